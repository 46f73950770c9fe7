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
 */
public record NodeSettings(String nodeId, Path dataDirectory, String bindAddress, NodePorts ports, Path configDirectory) {

    public NodeSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(ports, "ports");
    }

    public Path walDirectory() {
        return dataDirectory.resolve("wal");
    }
}
