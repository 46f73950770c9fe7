package io.stemedb.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.testing.FaultTools;
import io.stemedb.node.testing.FailedRunLogs;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.NodeProcess;
import io.stemedb.node.testing.TestHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real three-node cluster, one process per node, started by the same {@link LocalCluster} that
 * {@code stemedb cluster} uses. Two tests, each on a fresh cluster: kill -9 a node and the others
 * list it DOWN, restart it and it is UP again with a higher incarnation; cut one node's SWIM
 * traffic with iptables and it goes DOWN, restore it and it comes back. The partition needs root
 * and iptables, checked before the cluster starts: skipped with a message without them, a failure
 * on CI (see {@link FaultTools}).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LocalClusterIT {

    private static final Duration DETECTION = Duration.ofSeconds(45);

    @TempDir
    Path base;

    private final TestHttp http = new TestHttp();

    @Test
    void aKilledNodeIsSeenDownAndUpAgainWhenRestarted() throws Exception {
        onFreshCluster(cluster -> {
            cluster.kill(2);
            awaitStatus(cluster, 0, "node3", "DOWN");
            awaitStatus(cluster, 1, "node3", "DOWN");

            cluster.start(2);
            assertThat(cluster.awaitHealthy(Duration.ofSeconds(180))).as(cluster::healthReport).isTrue();
            awaitStatus(cluster, 0, "node3", "UP");
            awaitStatus(cluster, 1, "node3", "UP");
            assertThat(cluster.memberSeenBy(0, "node3").get("incarnation").asLong())
                    .as("rejoined above its old incarnation").isPositive();
        });
    }

    @Test
    void aNodeCutOffByAPartitionIsSeenDownAndUpAgainWhenItHeals() throws Exception {
        FaultTools.require("root and iptables, to drop one node's SWIM datagrams", "iptables", "-w", "5", "-L", "INPUT", "-n");
        onFreshCluster(cluster -> {
            String swim = Integer.toString(cluster.member(1).ports().swim());
            try {
                iptables("-I", "INPUT", "-p", "udp", "--dport", swim, "-j", "DROP");
                iptables("-I", "INPUT", "-p", "udp", "--sport", swim, "-j", "DROP");
                awaitStatus(cluster, 0, "node2", "DOWN");
                awaitStatus(cluster, 2, "node2", "DOWN");
            } finally {
                FaultTools.run("iptables", "-w", "5", "-D", "INPUT", "-p", "udp", "--dport", swim, "-j", "DROP");
                FaultTools.run("iptables", "-w", "5", "-D", "INPUT", "-p", "udp", "--sport", swim, "-j", "DROP");
            }
            awaitStatus(cluster, 0, "node2", "UP");
            awaitStatus(cluster, 1, "node1", "UP");
        });
    }

    /** What a test does with a running cluster in which every node sees every other UP. */
    @FunctionalInterface
    private interface ClusterSteps {
        void run(LocalCluster cluster) throws Exception;
    }

    private void onFreshCluster(ClusterSteps steps) throws Exception {
        List<NodePorts> ports = List.of(FreePorts.forNode(), FreePorts.forNode(), FreePorts.forNode());
        try (LocalCluster cluster = LocalCluster.plan(NodeProcess.jar(), base, ports)) {
            cluster.startAll();
            assertThat(cluster.awaitHealthy(Duration.ofSeconds(180))).as(cluster::healthReport).isTrue();
            awaitStatus(cluster, 0, "node2", "UP");
            awaitStatus(cluster, 0, "node3", "UP");
            awaitStatus(cluster, 2, "node1", "UP");
            steps.run(cluster);
        } catch (Throwable failure) {
            FailedRunLogs.keep(base, "LocalClusterIT");
            throw failure;
        }
    }

    private void awaitStatus(LocalCluster cluster, int observer, String member, String status) throws InterruptedException {
        TestHttp.await(cluster.member(observer).nodeId() + " lists " + member + " " + status, DETECTION, () -> {
            return status.equals(cluster.statusSeenBy(observer, member));
        });
    }

    private static void iptables(String... arguments) {
        String[] command = new String[arguments.length + 3];
        command[0] = "iptables";
        command[1] = "-w";
        command[2] = "5";
        System.arraycopy(arguments, 0, command, 3, arguments.length);
        assertThat(FaultTools.run(command)).as(String.join(" ", command)).isZero();
    }
}
