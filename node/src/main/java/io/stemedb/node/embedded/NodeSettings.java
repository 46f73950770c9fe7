package io.stemedb.node.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What one embedded node needs to know.
 *
 * @param nodeId       this node's id
 * @param dataDirectory where its journal lives ({@code <dir>/wal})
 * @param bindAddress  the address its public ports listen on; the internal wal port always
 *                     listens on loopback
 * @param ports        its ports
 * @param configDirectory optional directory with per-service overrides
 *                     ({@code wal-service.yml}, {@code api-service.yml}, …), or null
 * @param seeds        SWIM addresses ({@code host:port}) to join a cluster through; empty for a
 *                     node on its own (or the first of a cluster)
 * @param tls          TLS for the public ports and/or mutual TLS for the internal gRPC; null for none
 * @param cluster      the replicated cluster it belongs to; {@link ClusterShape#ALONE} for a node on its own
 * @param internalTransport how its services reach each other's gRPC contracts; default in-process
 */
public record NodeSettings(String nodeId, Path dataDirectory, String bindAddress, NodePorts ports, Path configDirectory,
        java.util.List<String> seeds, io.stemedb.node.tls.NodeTls tls, ClusterShape cluster,
        InternalTransport internalTransport) {

    public NodeSettings(String nodeId, Path dataDirectory, String bindAddress, NodePorts ports, Path configDirectory) {
        this(nodeId, dataDirectory, bindAddress, ports, configDirectory, java.util.List.of(), null, ClusterShape.ALONE, null);
    }

    public NodeSettings(String nodeId, Path dataDirectory, String bindAddress, NodePorts ports, Path configDirectory,
            java.util.List<String> seeds) {
        this(nodeId, dataDirectory, bindAddress, ports, configDirectory, seeds, null, ClusterShape.ALONE, null);
    }

    public NodeSettings withTls(io.stemedb.node.tls.NodeTls tls) {
        return new NodeSettings(nodeId, dataDirectory, bindAddress, ports, configDirectory, seeds, tls, cluster, internalTransport);
    }

    public NodeSettings withCluster(ClusterShape cluster) {
        return new NodeSettings(nodeId, dataDirectory, bindAddress, ports, configDirectory, seeds, tls, cluster,
                internalTransport);
    }

    public NodeSettings withInternalTransport(InternalTransport transport) {
        return new NodeSettings(nodeId, dataDirectory, bindAddress, ports, configDirectory, seeds, tls, cluster, transport);
    }

    public boolean publicTls() {
        return tls != null && tls.publicPorts();
    }

    public boolean internalTls() {
        return tls != null && tls.internal();
    }

    public NodeSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(ports, "ports");
        seeds = seeds == null ? java.util.List.of() : java.util.List.copyOf(seeds);
        cluster = cluster == null ? ClusterShape.ALONE : cluster;
        internalTransport = internalTransport == null ? InternalTransport.IN_PROCESS : internalTransport;
    }

    public Path walDirectory() {
        return dataDirectory.resolve("wal");
    }
}
