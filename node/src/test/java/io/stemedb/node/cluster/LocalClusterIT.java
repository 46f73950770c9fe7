package io.stemedb.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.NodeProcess;
import io.stemedb.node.testing.TestHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * A real three-node cluster, one process per node, started by the same {@link LocalCluster} that
 * {@code stemedb cluster} uses: kill -9 a node and the others list it DOWN; restart it and it is
 * UP again with a higher incarnation; cut one node's SWIM traffic with iptables and it goes
 * SUSPECT then DOWN, restore it and it comes back (skipped with a message without iptables/root).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LocalClusterIT {

    private static final Duration DETECTION = Duration.ofSeconds(45);

    @TempDir
    Path base;

    private final TestHttp http = new TestHttp();

    @Test
    void crashesAndPartitionsAreSeenAndHealed() throws Exception {
        List<NodePorts> ports = List.of(FreePorts.forNode(), FreePorts.forNode(), FreePorts.forNode());
        try (LocalCluster cluster = LocalCluster.plan(NodeProcess.jar(), base, ports)) {
            crashAndPartition(cluster);
        } catch (TestAbortedException skipped) {
            throw skipped;
        } catch (Throwable failure) {
            keepLogs();
            throw failure;
        }
    }

    private void crashAndPartition(LocalCluster cluster) throws Exception {
        cluster.startAll();
        assertThat(cluster.awaitHealthy(Duration.ofSeconds(180))).isTrue();
        awaitStatus(cluster, 0, "node2", "UP");
        awaitStatus(cluster, 0, "node3", "UP");
        awaitStatus(cluster, 2, "node1", "UP");

        cluster.kill(2);
        awaitStatus(cluster, 0, "node3", "DOWN");
        awaitStatus(cluster, 1, "node3", "DOWN");

        cluster.start(2);
        assertThat(cluster.awaitHealthy(Duration.ofSeconds(180))).isTrue();
        awaitStatus(cluster, 0, "node3", "UP");
        awaitStatus(cluster, 1, "node3", "UP");
        assertThat(cluster.memberSeenBy(0, "node3").get("incarnation").asLong()).as("rejoined above its old incarnation")
                .isPositive();

        int swim = cluster.member(1).ports().swim();
        boolean blocked = iptables("-I", "INPUT", "-p", "udp", "--dport", Integer.toString(swim), "-j", "DROP");
        Assumptions.assumeTrue(blocked, "skipped the partition part: iptables is not available or not permitted here");
        try {
            iptables("-I", "INPUT", "-p", "udp", "--sport", Integer.toString(swim), "-j", "DROP");
            awaitStatus(cluster, 0, "node2", "DOWN");
            awaitStatus(cluster, 2, "node2", "DOWN");
        } finally {
            iptables("-D", "INPUT", "-p", "udp", "--dport", Integer.toString(swim), "-j", "DROP");
            iptables("-D", "INPUT", "-p", "udp", "--sport", Integer.toString(swim), "-j", "DROP");
        }
        awaitStatus(cluster, 0, "node2", "UP");
        awaitStatus(cluster, 1, "node1", "UP");
    }

    /**
     * The nodes' logs live in the temporary directory JUnit deletes; a failed run keeps a copy
     * under {@code target/failed-runs/} so the failure can be read afterwards.
     */
    private void keepLogs() {
        Path kept = Path.of("target", "failed-runs", "LocalClusterIT-" + System.currentTimeMillis());
        try (Stream<Path> files = Files.list(base)) {
            Files.createDirectories(kept);
            for (Path log : files.filter(file -> file.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(log, kept.resolve(log.getFileName()));
            }
            System.err.println("LocalClusterIT failed; the nodes' logs are in " + kept.toAbsolutePath());
        } catch (IOException e) {
            System.err.println("LocalClusterIT failed and its logs could not be kept: " + e);
        }
    }

    private void awaitStatus(LocalCluster cluster, int observer, String member, String status) throws InterruptedException {
        TestHttp.await(cluster.member(observer).nodeId() + " lists " + member + " " + status, DETECTION, () -> {
            return status.equals(cluster.statusSeenBy(observer, member));
        });
    }

    private static boolean iptables(String... arguments) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("iptables", "-w", "5"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
