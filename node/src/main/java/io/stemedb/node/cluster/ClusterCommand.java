package io.stemedb.node.cluster;

import io.stemedb.node.embedded.NodePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb cluster}: starts a local cluster of {@code --nodes} full nodes on loopback, node i
 * on the default ports plus {@code (i - 1) * --port-step}, data under {@code --base-dir/node<i>},
 * each seeded with the others; prints where they are; stops them all on Ctrl-C/SIGTERM.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Run a local cluster of N nodes on loopback (one process each) until Ctrl-C.")
public final class ClusterCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes. Default: ${DEFAULT-VALUE}")
    int nodes;

    @Option(names = "--base-dir", defaultValue = "./stemedb-cluster",
            description = "Data directories and logs go to <dir>/node<i>[.log]. Default: ${DEFAULT-VALUE}")
    Path baseDirectory;

    @Option(names = "--port-step", defaultValue = "100",
            description = "Port offset between nodes: node i uses 18180-18184 + (i-1) x step. Default: ${DEFAULT-VALUE}")
    int portStep;

    @Option(names = "--tls",
            description = "Generate a test CA and node certificates into <base-dir>/tls and run every node with HTTPS "
                    + "and internal mutual TLS (curl --cacert <base-dir>/tls/ca.crt)")
    boolean tls;

    @Override
    public Integer call() throws Exception {
        Path jar = RunningJar.path();
        List<NodePorts> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.add(NodePorts.withOffset(i * portStep));
        }
        LocalCluster cluster = LocalCluster.plan(jar, baseDirectory.toAbsolutePath(), ports, tls);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the cluster");
            try {
                cluster.stopAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopped.countDown();
        }, "cluster-stop"));
        cluster.startAll();
        boolean healthy = cluster.awaitHealthy(Duration.ofSeconds(180));
        for (LocalCluster.Member member : cluster.members()) {
            System.out.printf("%s  api %s  gateway %s  swim udp %s  data %s  log %s%n", member.nodeId(), member.apiUrl(),
                    member.gatewayUrl(), member.swimAddress(), member.dataDirectory(), member.log());
        }
        System.out.printf("admin key (every node): %s%n", baseDirectory.toAbsolutePath().resolve("admin.token"));
        System.out.println(healthy ? "cluster ready; Ctrl-C stops every node" : "some nodes did not become healthy; see their logs");
        stopped.await();
        return healthy ? 0 : 1;
    }
}
