package io.stemedb.node;

import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.embedded.NodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemedb run}: starts a whole node in this JVM and serves until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start an embedded node (all five services in this process).")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--data-dir", defaultValue = "./stemedb-data",
            description = "Directory for the node's data (journal under <dir>/wal). Default: ${DEFAULT-VALUE}")
    Path dataDirectory;

    @Option(names = "--node-id", defaultValue = "node1", description = "This node's id. Default: ${DEFAULT-VALUE}")
    String nodeId;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address the public ports listen on. Default: ${DEFAULT-VALUE} (this machine only:"
                    + " there is no authentication yet)")
    String bindAddress;

    @Option(names = "--port-offset", defaultValue = "0",
            description = "Added to every default port (18180-18184). Default: ${DEFAULT-VALUE}")
    int portOffset;

    @Option(names = "--api-port", description = "api-service HTTP port. Default: 18180 + offset")
    Integer apiPort;

    @Option(names = "--gateway-port", description = "gateway-service HTTP port. Default: 18181 + offset")
    Integer gatewayPort;

    @Option(names = "--rpc-port", description = "replication-service gRPC port. Default: 18182 + offset")
    Integer rpcPort;

    @Option(names = "--swim-port", description = "membership-service UDP port. Default: 18183 + offset")
    Integer swimPort;

    @Option(names = "--wal-port", description = "wal-service gRPC port (loopback only). Default: 18184 + offset")
    Integer walPort;

    @Option(names = "--store-port", description = "api-service record-store gRPC port (loopback only; anti-entropy). "
            + "Default: 18188 + offset")
    Integer storePort;

    @Option(names = "--seeds", split = ",", paramLabel = "HOST:PORT",
            description = "SWIM addresses of cluster members to join through (runbook [cluster] seeds). Default: none (a node on its own)")
    java.util.List<String> seeds = new java.util.ArrayList<>();

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "Durable copies, the primary's included, before a write is acknowledged (runbook [replication] factor)."
                    + " Default: ${DEFAULT-VALUE}")
    int replicationFactor;

    @Option(names = "--member", paramLabel = "ID=RPC/API[/PRIORITY]",
            description = "A member of the cluster's first configuration, e.g. node2=127.0.0.1:18192/127.0.0.1:18190; repeat"
                    + " for every member, this node included. Default: none (a node on its own)")
    java.util.List<String> members = new java.util.ArrayList<>();

    @Option(names = "--join",
            description = "Join the running cluster of the other --member nodes: start as a learner and ask them to add this"
                    + " node; the primary makes it a voter once it has caught up. Only for the node's first start")
    boolean join;

    @Option(names = "--config-dir",
            description = "Directory with per-service overrides: wal-service.yml, api-service.yml, gateway-service.yml, …")
    Path configDirectory;

    @Option(names = "--tls-dir",
            description = "Directory with ca.crt, <node-id>.crt and <node-id>.key (PEM; stemedb certs writes them): "
                    + "turns on HTTPS on the public ports and mutual TLS on the internal gRPC. Default: none (plain)")
    Path tlsDirectory;

    @Option(names = "--tls", defaultValue = "public,internal", split = ",",
            description = "With --tls-dir: which connections use it, public and/or internal. Default: ${DEFAULT-VALUE}")
    java.util.List<String> tlsScopes;

    @Option(names = "--internal-transport", defaultValue = "in-process", paramLabel = "in-process|tcp",
            description = "How the node's own services reach each other's gRPC contracts: gRPC's in-process transport,"
                    + " or loopback TCP as in the split deployment. Default: ${DEFAULT-VALUE}")
    String internalTransport;

    @Option(names = "--ready-timeout", defaultValue = "120",
            description = "Seconds to wait for the journal to load before giving up. Default: ${DEFAULT-VALUE}")
    long readyTimeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        NodePorts defaults = NodePorts.withOffset(portOffset);
        NodePorts ports = new NodePorts(
                apiPort != null ? apiPort : defaults.api(),
                gatewayPort != null ? gatewayPort : defaults.gateway(),
                rpcPort != null ? rpcPort : defaults.rpc(),
                swimPort != null ? swimPort : defaults.swim(),
                walPort != null ? walPort : defaults.wal(),
                storePort != null ? storePort : defaults.store());
        NodeSettings settings = new NodeSettings(nodeId, dataDirectory, bindAddress, ports, configDirectory, seeds);
        java.util.Map<String, io.stemedb.node.embedded.ClusterShape.Member> cluster = new java.util.TreeMap<>();
        for (String member : members) {
            java.util.Map.Entry<String, io.stemedb.node.embedded.ClusterShape.Member> parsed =
                    io.stemedb.node.embedded.ClusterShape.parseMember(member);
            cluster.put(parsed.getKey(), parsed.getValue());
        }
        try {
            settings = settings.withCluster(new io.stemedb.node.embedded.ClusterShape(replicationFactor, cluster, join))
                    .withInternalTransport(io.stemedb.node.embedded.InternalTransport.parse(internalTransport));
        } catch (IllegalArgumentException e) {
            System.err.println("stemedb: " + e.getMessage());
            return 2;
        }
        if (tlsDirectory != null) {
            settings = settings.withTls(io.stemedb.node.tls.NodeTls.fromDirectory(tlsDirectory, nodeId,
                    tlsScopes.contains("public"), tlsScopes.contains("internal")));
        }
        String scheme = settings.publicTls() ? "https" : "http";

        EmbeddedNode node = EmbeddedNode.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "stemedb-shutdown"));
        if (!node.awaitReady(Duration.ofSeconds(readyTimeoutSeconds))) {
            System.err.println("stemedb: the node did not become ready within " + readyTimeoutSeconds
                    + " s; see the log above and GET /v1/health");
            return 1;
        }
        String host = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        System.out.printf("%nStemeDB node %s ready%n", nodeId);
        System.out.printf("  API      %s://%s:%d   (POST /v1/assert, POST /v1/query, GET /v1/health, GET /metrics)%n",
                scheme, host, ports.api());
        System.out.printf("  gateway  %s://%s:%d%n", scheme, host, ports.gateway());
        System.out.printf("  key      %s (admin; 'Authorization: Bearer <key>')%n",
                dataDirectory.resolve("admin.token").toAbsolutePath().normalize());
        System.out.printf("  data     %s%n%n", dataDirectory.toAbsolutePath().normalize());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
