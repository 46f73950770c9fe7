package io.stemedb.node.cluster;

import io.stemedb.node.embedded.NodePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb bench-cluster}: failure detection on real node processes. Starts a local cluster;
 * for each loss rate, drops that share of SWIM datagrams with iptables (root), watches a quiet
 * window for false DOWNs, then kills a node with SIGKILL {@code --kills} times and measures how
 * long each other node takes to list it DOWN; prints the distribution and gossip bytes per member
 * per second.
 */
@Command(name = "bench-cluster", mixinStandardHelpOptions = true,
        description = "Measure SWIM detection time and false positives on a real local cluster (needs root for loss).")
public final class ClusterBenchCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "4", description = "Nodes. Default: ${DEFAULT-VALUE}")
    int nodes;

    @Option(names = "--kills", defaultValue = "8", description = "Crashes per loss rate. Default: ${DEFAULT-VALUE}")
    int kills;

    @Option(names = "--loss", split = ",", defaultValue = "0,0.05,0.10", description = "Loss rates. Default: ${DEFAULT-VALUE}")
    List<Double> losses;

    @Option(names = "--quiet", defaultValue = "60s", description = "Window watched for false DOWNs per loss rate. Default: ${DEFAULT-VALUE}")
    String quiet;

    @Option(names = "--base-dir", required = true, description = "Scratch directory for the nodes' data and logs.")
    Path base;

    @Option(names = "--port-base", defaultValue = "28180", description = "Ports of node i: base + 100 x (i-1) + 0..4. Default: ${DEFAULT-VALUE}")
    int portBase;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public Integer call() throws Exception {
        Path jar = RunningJar.path();
        List<NodePorts> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int at = portBase + 100 * i;
            ports.add(NodePorts.from(at));
        }
        try (LocalCluster cluster = LocalCluster.plan(jar, base.toAbsolutePath(), ports)) {
            cluster.startAll();
            if (!cluster.awaitHealthy(Duration.ofSeconds(240)) || !allSeeAll(cluster, Duration.ofSeconds(60))) {
                System.out.println("cluster did not form; see the logs in " + base);
                return 1;
            }
            System.out.printf("%-6s %6s %9s %9s %9s %11s %13s%n", "loss", "kills", "p50 ms", "p90 ms", "max ms", "false DOWN",
                    "bytes/memb/s");
            for (double loss : losses) {
                setLoss(ports, loss);
                try {
                    long bytesBefore = bytesSent(cluster);
                    long quietStart = System.nanoTime();
                    int falseDown = watchForDown(cluster, Duration.parse("PT" + quiet.toUpperCase()));
                    double seconds = (System.nanoTime() - quietStart) / 1e9;
                    double bytesPerMember = (bytesSent(cluster) - bytesBefore) / seconds / nodes;
                    List<Long> detections = new ArrayList<>();
                    for (int k = 0; k < kills; k++) {
                        int victim = 1 + k % (nodes - 1);
                        cluster.kill(victim);
                        long killed = System.nanoTime();
                        for (int observer = 0; observer < nodes; observer++) {
                            if (observer == victim) {
                                continue;
                            }
                            String victimId = cluster.member(victim).nodeId();
                            while (!"DOWN".equals(cluster.statusSeenBy(observer, victimId))) {
                                if (System.nanoTime() - killed > TimeUnit.SECONDS.toNanos(120)) {
                                    break;
                                }
                                Thread.sleep(50);
                            }
                            detections.add((System.nanoTime() - killed) / 1_000_000);
                        }
                        cluster.start(victim);
                        cluster.awaitHealthy(Duration.ofSeconds(240));
                        allSeeAll(cluster, Duration.ofSeconds(120));
                    }
                    Collections.sort(detections);
                    System.out.printf("%-6.2f %6d %9d %9d %9d %11d %13.0f%n", loss, kills, percentile(detections, 50),
                            percentile(detections, 90), detections.get(detections.size() - 1), falseDown, bytesPerMember);
                } finally {
                    setLoss(ports, 0);
                }
            }
        }
        return 0;
    }

    /** Polls every member's view for {@code window}; returns how many times a live member was listed DOWN. */
    private int watchForDown(LocalCluster cluster, Duration window) throws InterruptedException {
        int downs = 0;
        long end = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < end) {
            for (int observer = 0; observer < nodes; observer++) {
                for (LocalCluster.Member member : cluster.members()) {
                    if ("DOWN".equals(cluster.statusSeenBy(observer, member.nodeId()))) {
                        downs++;
                    }
                }
            }
            Thread.sleep(500);
        }
        return downs;
    }

    private boolean allSeeAll(LocalCluster cluster, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            boolean all = true;
            for (int observer = 0; observer < nodes && all; observer++) {
                for (LocalCluster.Member member : cluster.members()) {
                    if (!"UP".equals(cluster.statusSeenBy(observer, member.nodeId()))) {
                        all = false;
                        break;
                    }
                }
            }
            if (all) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private long bytesSent(LocalCluster cluster) {
        long total = 0;
        for (LocalCluster.Member member : cluster.members()) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create(member.apiUrl() + "/metrics"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                for (String line : body.split("\n")) {
                    if (line.startsWith("stemedb_swim_sent_bytes_total ")) {
                        total += (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
                    }
                }
            } catch (Exception e) {
                // a node that does not answer adds nothing
            }
        }
        return total;
    }

    /** Drops {@code loss} of the datagrams arriving at every node's SWIM port (iptables statistic match). */
    private void setLoss(List<NodePorts> ports, double loss) throws Exception {
        for (NodePorts port : ports) {
            String dport = Integer.toString(port.swim());
            while (iptables("-D", "INPUT", "-p", "udp", "--dport", dport, "-m", "statistic", "--mode", "random",
                    "--probability", "0.05", "-j", "DROP")
                    || iptables("-D", "INPUT", "-p", "udp", "--dport", dport, "-m", "statistic", "--mode", "random",
                    "--probability", "0.1", "-j", "DROP")) {
                // removed one of an earlier rate
            }
            if (loss > 0 && !iptables("-I", "INPUT", "-p", "udp", "--dport", dport, "-m", "statistic", "--mode", "random",
                    "--probability", Double.toString(loss), "-j", "DROP")) {
                throw new IllegalStateException("cannot add an iptables rule (needs root and iptables)");
            }
        }
    }

    private static boolean iptables(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("iptables", "-w", "5"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    private static long percentile(List<Long> sorted, double percentile) {
        int at = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, at)));
    }
}
