package io.stemedb.node.cluster;

import io.stemedb.node.embedded.NodePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code stemedb bench-failover}: how long writes stop when the primary dies. Starts a local
 * cluster, keeps {@code --writers} clients writing through the gateways of all nodes, and for each
 * run kills the primary with SIGKILL and measures the time until the first write acknowledged in a
 * higher term (the 201's {@code term}), then restarts the killed node and waits until it is healthy,
 * caught up and seen UP by every member. With {@code --etcd-runs}, the same is done to a 3-member
 * etcd (the {@code etcd} binary, defaults: 100 ms heartbeat, 1 s election timeout, fsync on),
 * writing {@code PUT}s through every member's JSON gateway, for the ratio.
 *
 * <p>After each StemeDB run, the writes acknowledged from 2 s before the kill until 2 s after the
 * first new-term acknowledgement are read back from every node: an acknowledged write that is
 * missing is a lost write and is reported.
 */
@Command(name = "bench-failover", mixinStandardHelpOptions = true,
        description = "Measure failover time (kill -9 of the primary to the first write acknowledged by the new one) on a "
                + "real local cluster, optionally against a 3-member etcd.")
public final class FailoverBenchCommand implements Callable<Integer> {

    @Option(names = "--nodes", defaultValue = "3", description = "Nodes. Default: ${DEFAULT-VALUE}")
    int nodes;

    @Option(names = "--runs", defaultValue = "20", description = "Kills of the StemeDB primary. Default: ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--etcd-runs", defaultValue = "0",
            description = "Kills of the etcd leader (0: etcd is not measured). Default: ${DEFAULT-VALUE}")
    int etcdRuns;

    @Option(names = "--etcd-binary", defaultValue = "etcd", description = "The etcd server binary. Default: ${DEFAULT-VALUE}")
    String etcdBinary;

    @Option(names = "--writers", defaultValue = "3",
            description = "Closed-loop writers, spread over the nodes' gateways (etcd: its members). Default: ${DEFAULT-VALUE}")
    int writers;

    @Option(names = "--writer-pause", defaultValue = "10",
            description = "Milliseconds a writer waits after each answer: a steady load, not a saturating one. Default: ${DEFAULT-VALUE}")
    long writerPauseMillis;

    @Option(names = "--probe-interval", defaultValue = "50",
            description = "Milliseconds between fresh probe writes through each member. Default: ${DEFAULT-VALUE}")
    long probeIntervalMillis;

    @Option(names = "--settle", defaultValue = "3", description = "Seconds of normal writing before each kill. Default: ${DEFAULT-VALUE}")
    int settleSeconds;

    @Option(names = "--base-dir", required = true, description = "Scratch directory for data and logs (new or empty).")
    Path base;

    // Both port ranges stay below the ephemeral range (32768+ on Linux), where an outgoing
    // connection can hold a port a member is about to listen on.
    @Option(names = "--port-base", defaultValue = "28180",
            description = "StemeDB node i uses base + 100 x (i-1) + 0..4. Default: ${DEFAULT-VALUE}")
    int portBase;

    @Option(names = "--etcd-port-base", defaultValue = "22379",
            description = "etcd member i: client port base + 10 x (i-1), peer port one above. Default: ${DEFAULT-VALUE}")
    int etcdPortBase;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern TERM = Pattern.compile("\"(?:raft_)?term\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]+)\"");
    private static final Pattern REASON = Pattern.compile("\"reason\"\\s*:\\s*\"([a-z_]+)\"");
    private static final Pattern BREAKER = Pattern.compile("\"circuit_breaker\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(240);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public Integer call() throws Exception {
        Path directory = base.toAbsolutePath();
        if (Files.isDirectory(directory)) {
            try (var entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    // Old data would make a restarted cluster, not a new one; and deleting a given directory is not ours to do.
                    System.out.println("bench-failover: " + directory + " is not empty; give a new or empty directory");
                    return 2;
                }
            }
        }
        Files.createDirectories(directory);
        // Ctrl-C must not leave nodes or etcd members running: they are this JVM's children.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly), "failover-bench-cleanup"));
        // Filled run by run: a run that fails keeps the ones before it in the summary.
        List<Run> stemedb = new ArrayList<>();
        List<Run> etcd = new ArrayList<>();
        boolean failed = false;
        if (runs > 0) {
            try (StemeDbTarget target = new StemeDbTarget(startStemeDb())) {
                try {
                    measure("stemedb", target, runs, stemedb);
                } catch (RecoveryFailed e) {
                    System.out.println("stemedb: " + e.getMessage());
                    target.dumpForDiagnosis();
                    failed = true;
                }
            }
        }
        if (etcdRuns > 0) {
            try (EtcdTarget target = new EtcdTarget(base.toAbsolutePath().resolve("etcd"))) {
                measure("etcd", target, etcdRuns, etcd);
            } catch (RecoveryFailed e) {
                System.out.println("etcd: " + e.getMessage());
                failed = true;
            }
        }
        System.out.println();
        System.out.printf("%-8s %-26s %5s %10s %10s %10s %10s%n", "system", "kill -9 of the leader to", "runs", "median ms",
                "p99 ms", "max ms", "min ms");
        summary("stemedb", "election", stemedb, Run::electedMillis);
        summary("stemedb", "first 201 via a gateway", stemedb, Run::firstAckMillis);
        summary("stemedb", "first 201 on an api port", stemedb, Run::directAckMillis);
        summary("etcd", "election", etcd, Run::electedMillis);
        summary("etcd", "first successful put", etcd, Run::firstAckMillis);
        if (!stemedb.isEmpty() && !etcd.isEmpty()) {
            double etcdMedian = percentile(sorted(etcd, Run::firstAckMillis), 50);
            System.out.printf("median time to the first write, stemedb over etcd: %.2f via a gateway, %.2f on an api port%n",
                    percentile(sorted(stemedb, Run::firstAckMillis), 50) / etcdMedian,
                    percentile(sorted(stemedb, Run::directAckMillis), 50) / etcdMedian);
        }
        long lost = stemedb.stream().mapToLong(Run::lost).sum();
        long checked = stemedb.stream().mapToLong(Run::checked).sum();
        if (!stemedb.isEmpty()) {
            System.out.printf("stemedb acknowledged writes read back around the kills: %d, missing: %d%n", checked, lost);
        }
        return failed || lost > 0 ? 1 : 0;
    }

    private LocalCluster startStemeDb() throws InterruptedException {
        List<NodePorts> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int at = portBase + 100 * i;
            ports.add(NodePorts.from(at));
        }
        LocalCluster cluster = LocalCluster.plan(RunningJar.path(), base.toAbsolutePath().resolve("stemedb"), ports);
        cluster.startAll();
        return cluster;
    }

    /**
     * One kill: milliseconds from the SIGKILL to the election (as the survivors report it), to the
     * first new-term acknowledgement through the write path the clients use (StemeDB: a gateway;
     * etcd: any member) and, for StemeDB, to the first one on a node's api port directly (-1: none).
     */
    private record Run(int run, String killed, long oldTerm, long newTerm, long firstAckMillis, long directAckMillis,
            long electedMillis, long recoveryMillis, Map<String, Long> refusals, long checked, long lost) {}

    private void measure(String system, Target target, int count, List<Run> results) throws Exception {
        if (!target.awaitSteady(-1, RECOVERY_TIMEOUT)) {
            throw new RecoveryFailed("the cluster did not form within " + RECOVERY_TIMEOUT.toSeconds() + " s; logs in " + base);
        }
        Writers load = new Writers(target, writers);
        try {
            load.start();
            System.out.printf("%n%s: %d members, %d closed-loop writers (%d ms pause), a probe write through every member every %d ms%n",
                    system, target.size(), writers, writerPauseMillis, probeIntervalMillis);
            System.out.printf("%-4s %-7s %9s %11s %12s %12s %12s %9s %6s  %s%n", "run", "killed", "terms", "elected ms",
                    "first ack ms", "api ack ms", "recovered s", "writes/s", "load", "refusals until the first ack");
            for (int run = 1; run <= count; run++) {
                long settledFrom = System.nanoTime();
                long acksBefore = load.acknowledged.sum();
                Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
                double rate = (load.acknowledged.sum() - acksBefore) / ((System.nanoTime() - settledFrom) / 1e9);
                Leader leader = target.leader();
                for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); leader == null && System.nanoTime() < until; ) {
                    // a status call can time out on a busy box, or the leader can be changing
                    Thread.sleep(100);
                    leader = target.leader();
                }
                if (leader == null) {
                    throw new RecoveryFailed("no leader within 30 s before run " + run + "; logs in " + base);
                }
                load.watchForTermAbove(leader.term());
                long killedAt = System.nanoTime();
                target.kill(leader.member());
                ElectionWatch election = new ElectionWatch(target, leader);
                election.start();
                long deadline = killedAt + TimeUnit.SECONDS.toNanos(60);
                String loadAverage = loadAverage();
                while ((load.firstNewTermAck.get() == 0 || (target.hasDirectPath() && load.firstNewTermDirectAck.get() == 0))
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                election.join(TimeUnit.SECONDS.toMillis(65));
                long electedAt = election.electedAt;
                long firstAck = load.firstNewTermAck.get();
                long directAck = load.firstNewTermDirectAck.get();
                if (firstAck == 0) {
                    throw new RecoveryFailed("run " + run + ": no write acknowledged in a term above " + leader.term()
                            + " within 60 s of killing " + target.name(leader.member()) + "; logs in " + base);
                }
                Map<String, Long> refusals = load.refusalsSinceWatch();
                long newTerm = load.firstNewTerm.get();
                Thread.sleep(2_000);
                long checkTo = System.nanoTime();
                target.start(leader.member());
                if (!target.awaitSteady(leader.member(), RECOVERY_TIMEOUT)) {
                    throw new RecoveryFailed("run " + run + ": " + target.name(leader.member()) + " did not come back healthy"
                            + " and caught up within " + RECOVERY_TIMEOUT.toSeconds() + " s; logs in " + base);
                }
                long recovered = System.nanoTime();
                long[] readBack = target.readBack(load.acknowledgedBetween(killedAt - TimeUnit.SECONDS.toNanos(2), checkTo));
                Run result = new Run(run, target.name(leader.member()), leader.term(), newTerm, (firstAck - killedAt) / 1_000_000,
                        directAck == 0 ? -1 : (directAck - killedAt) / 1_000_000,
                        electedAt == 0 ? -1 : (electedAt - killedAt) / 1_000_000, (recovered - killedAt) / 1_000_000, refusals,
                        readBack[0], readBack[1]);
                results.add(result);
                System.out.printf("%-4d %-7s %4d->%-4d %11d %12d %12d %12.1f %9.0f %6s  %s%s%n", run, result.killed(),
                        result.oldTerm(), result.newTerm(), result.electedMillis(), result.firstAckMillis(), result.directAckMillis(),
                        result.recoveryMillis() / 1000.0, rate, loadAverage, refusals.isEmpty() ? "none" : refusals, result.lost() > 0
                                ? "  LOST " + result.lost() + " of " + result.checked() + " acknowledged writes" : "");
                load.forgetAcknowledgedBefore(recovered);
            }
        } finally {
            load.stop();
        }
    }

    private void summary(String system, String what, List<Run> results, java.util.function.ToLongFunction<Run> value) {
        if (results.isEmpty()) {
            return;
        }
        List<Long> values = sorted(results, value);
        System.out.printf("%-8s %-26s %5d %10d %10d %10d %10d%n", system, what, results.size(), percentile(values, 50),
                percentile(values, 99), values.get(values.size() - 1), values.get(0));
    }

    /** The 1-minute load average: this box is shared, and a busy one slows every step of a failover. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static List<Long> sorted(List<Run> results, java.util.function.ToLongFunction<Run> value) {
        List<Long> values = new ArrayList<>();
        for (Run run : results) {
            values.add(value.applyAsLong(run));
        }
        Collections.sort(values);
        return values;
    }

    /** Nearest rank: with 20 runs the p99 is the largest. */
    private static long percentile(List<Long> sorted, double percentile) {
        int at = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, at)));
    }

    /**
     * Polls the surviving members until one reports itself leader in a higher term: when the
     * election was over, as the system itself says, apart from when the first write got through.
     */
    private static final class ElectionWatch extends Thread {

        private final Target target;
        private final Leader killed;
        volatile long electedAt;

        ElectionWatch(Target target, Leader killed) {
            super("failover-election-watch");
            setDaemon(true);
            this.target = target;
            this.killed = killed;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                Leader now = target.leaderAmong(killed.member());
                if (now != null && now.term() > killed.term()) {
                    electedAt = System.nanoTime();
                    return;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** A member index and the term it leads. */
    private record Leader(int member, long term) {}

    /** One acknowledged write: when its answer arrived, its id (StemeDB) and the member it went through. */
    private record Ack(long at, String id) {}

    private static final class RecoveryFailed extends Exception {
        RecoveryFailed(String message) {
            super(message);
        }
    }

    /** What the measurement needs from a replicated system. */
    private interface Target extends AutoCloseable {

        int size();

        String name(int member);

        /** A write that succeeds once, whatever else was written (unique key or value). */
        HttpRequest write(int member, String unique);

        /** The same write straight to a member's own api, bypassing the path clients use; null when there is none. */
        HttpRequest directWrite(int member, String unique);

        default boolean hasDirectPath() {
            return directWrite(0, "probe") != null;
        }

        boolean acknowledged(HttpResponse<String> response);

        /** The leader as the members that answer see it (the highest term reported as leader), or null. */
        Leader leader();

        /** The leader among the members other than {@code excluded}, or null. */
        Leader leaderAmong(int excluded);

        void kill(int member) throws InterruptedException;

        void start(int member) throws Exception;

        /**
         * Whether the target is steady now: a leader is known and {@code restarted} (-1: every
         * member) has applied what the leader had committed when asked.
         */
        boolean isSteady(int restarted);

        /** Waits until every member is healthy and the target {@link #isSteady}; false if not within {@code timeout}. */
        default boolean awaitSteady(int restarted, Duration timeout) throws InterruptedException {
            return pollUntilSteady(restarted, System.nanoTime() + timeout.toNanos());
        }

        /** Asks {@link #isSteady} every 200 ms until it is or {@code deadline} (a {@link System#nanoTime}) passes. */
        default boolean pollUntilSteady(int restarted, long deadline) throws InterruptedException {
            while (System.nanoTime() < deadline) {
                if (isSteady(restarted)) {
                    return true;
                }
                Thread.sleep(200);
            }
            return false;
        }

        /** Reads the acknowledged writes back from every member: {checked, missing}. */
        long[] readBack(List<Ack> acknowledged) throws InterruptedException;

        @Override
        void close() throws Exception;
    }

    /**
     * Closed-loop writers: each writes through one member (writer i through member i mod n), waits
     * {@code --writer-pause} ms after an acknowledgement and, after a refusal or a connection error,
     * tries again in 5 ms. A closed-loop writer whose request
     * hangs (etcd holds a proposal forwarded to a dead leader until its request timeout, ~7 s) sends
     * nothing new meanwhile, so a probe also sends a fresh write through every member every
     * {@code --probe-interval} ms without waiting for the answers: the first write a new leader can
     * take is then taken within about that interval of it being possible, whatever hangs.
     */
    private final class Writers {

        private final Target target;
        private final int count;
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        final LongAdder acknowledged = new LongAdder();
        final AtomicLong firstNewTermAck = new AtomicLong();
        final AtomicLong firstNewTermDirectAck = new AtomicLong();
        final AtomicLong firstNewTerm = new AtomicLong();
        private volatile long watchedTerm = Long.MAX_VALUE;
        private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
        private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        // Bounds the probes hanging on a dead leader (etcd holds them up to its 7 s request timeout):
        // at two live members every 50 ms, 200 is 5 s of them.
        private final java.util.concurrent.Semaphore probesInFlight = new java.util.concurrent.Semaphore(200);

        Writers(Target target, int count) {
            this.target = target;
            this.count = count;
        }

        void start() {
            String run = Long.toString(System.currentTimeMillis(), 36);
            for (int i = 0; i < count; i++) {
                int writer = i;
                Thread thread = new Thread(() -> write(writer, run), "failover-writer-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            Thread probe = new Thread(() -> probe(run), "failover-probe");
            probe.setDaemon(true);
            threads.add(probe);
            probe.start();
        }

        private void probe(String run) {
            long counter = 0;
            while (running.get()) {
                for (int member = 0; member < target.size(); member++) {
                    if (!probesInFlight.tryAcquire()) {
                        continue;
                    }
                    counter++;
                    http.sendAsync(target.write(member, run + "-probe-" + counter), HttpResponse.BodyHandlers.ofString())
                            .whenComplete((response, error) -> {
                                probesInFlight.release();
                                record(response, error, false);
                            });
                    HttpRequest direct = target.directWrite(member, run + "-direct-" + counter);
                    if (direct != null && probesInFlight.tryAcquire()) {
                        http.sendAsync(direct, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                            probesInFlight.release();
                            record(response, error, true);
                        });
                    }
                }
                try {
                    Thread.sleep(probeIntervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * Counts one answer; true when it acknowledged the write. Refusals are counted on the
         * clients' path only: a direct write to a replica's api is refused by design.
         */
        private boolean record(HttpResponse<String> response, Throwable error, boolean direct) {
            long now = System.nanoTime();
            String outcome;
            if (response != null && target.acknowledged(response)) {
                acknowledged.increment();
                long term = number(TERM, response.body());
                Matcher id = ID.matcher(response.body());
                acks.add(new Ack(now, id.find() ? id.group(1) : null));
                if (term > watchedTerm) {
                    if (direct) {
                        firstNewTermDirectAck.compareAndSet(0, now);
                    } else if (firstNewTermAck.compareAndSet(0, now)) {
                        firstNewTerm.set(term);
                    }
                }
                return true;
            }
            if (direct) {
                return false;
            }
            if (response != null) {
                Matcher reason = REASON.matcher(response.body());
                Matcher breaker = BREAKER.matcher(response.body());
                outcome = response.statusCode() + (reason.find() ? " " + reason.group(1) : "")
                        + (breaker.find() ? " " + breaker.group(1) : "");
            } else {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                outcome = cause.getClass().getSimpleName();
            }
            if (firstNewTermAck.get() == 0 && watchedTerm != Long.MAX_VALUE) {
                refusals.computeIfAbsent(outcome, any -> new LongAdder()).increment();
            }
            return false;
        }

        private void write(int writer, String run) {
            int member = writer % target.size();
            long counter = 0;
            while (running.get()) {
                counter++;
                boolean acknowledged;
                try {
                    acknowledged = record(http.send(target.write(member, run + "-" + writer + "-" + counter),
                            HttpResponse.BodyHandlers.ofString()), null, false);
                } catch (IOException e) {
                    acknowledged = record(null, e, false);
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(acknowledged ? writerPauseMillis : 5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** From now on, the first acknowledgement in a term above {@code term} is recorded. */
        void watchForTermAbove(long term) {
            refusals.clear();
            firstNewTermAck.set(0);
            firstNewTermDirectAck.set(0);
            firstNewTerm.set(0);
            watchedTerm = term;
        }

        Map<String, Long> refusalsSinceWatch() {
            Map<String, Long> counts = new TreeMap<>();
            refusals.forEach((outcome, adder) -> counts.put(outcome, adder.sum()));
            return counts;
        }

        List<Ack> acknowledgedBetween(long from, long to) {
            List<Ack> window = new ArrayList<>();
            for (Ack ack : acks) {
                if (ack.at() >= from && ack.at() <= to && ack.id() != null) {
                    window.add(ack);
                }
            }
            return window;
        }

        void forgetAcknowledgedBefore(long at) {
            acks.removeIf(ack -> ack.at() < at);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.interrupt();
                thread.join(15_000);
            }
        }
    }

    /** The StemeDB nodes of a {@link LocalCluster}, written to through their gateways. */
    private final class StemeDbTarget implements Target {

        private final LocalCluster cluster;
        private final String key;
        private final String padding = "x".repeat(200 - 32);

        StemeDbTarget(LocalCluster cluster) throws InterruptedException {
            this.cluster = cluster;
            String shared = null;
            for (int attempt = 0; attempt < 100 && shared == null; attempt++) {
                try {
                    shared = cluster.adminKey();
                } catch (UncheckedIOException notYet) {
                    Thread.sleep(100);
                }
            }
            this.key = shared;
        }

        @Override
        public int size() {
            return cluster.members().size();
        }

        @Override
        public String name(int member) {
            return cluster.member(member).nodeId();
        }

        @Override
        public HttpRequest write(int member, String unique) {
            return assertion(cluster.member(member).gatewayUrl(), unique);
        }

        @Override
        public HttpRequest directWrite(int member, String unique) {
            return assertion(cluster.member(member).apiUrl(), unique);
        }

        private HttpRequest assertion(String baseUrl, String unique) {
            // A distinct value per write: a repeated one would be a duplicate, answered 200 without a write.
            String body = "{\"concept_path\":\"bench/failover/c" + Math.floorMod(unique.hashCode(), 1000)
                    + "\",\"predicate\":\"p\",\"value\":\"" + unique + "-" + padding
                    + "\",\"agent_id\":\"failover-bench\",\"confidence\":0.5}";
            return HttpRequest.newBuilder(URI.create(baseUrl + "/v1/assert"))
                    .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }

        @Override
        public boolean acknowledged(HttpResponse<String> response) {
            return response.statusCode() == 201;
        }

        @Override
        public Leader leader() {
            return leaderAmong(-1);
        }

        @Override
        public Leader leaderAmong(int excluded) {
            Leader best = null;
            for (int i = 0; i < size(); i++) {
                if (i == excluded) {
                    continue;
                }
                JsonNode status = status(i);
                if (status != null && "primary".equals(status.path("role").asString(""))) {
                    long term = status.path("term").asLong(-1);
                    if (best == null || term > best.term()) {
                        best = new Leader(i, term);
                    }
                }
            }
            return best;
        }

        private JsonNode status(int member) {
            return getJson(cluster.member(member).apiUrl() + "/v1/admin/cluster/status", key);
        }

        @Override
        public void kill(int member) throws InterruptedException {
            cluster.kill(member);
        }

        @Override
        public void start(int member) {
            cluster.start(member);
        }

        @Override
        public boolean awaitSteady(int restarted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!cluster.awaitHealthy(timeout)) {
                return false;
            }
            for (int i = 0; i < size(); i++) {
                if (!cluster.isRunning(i)) {
                    System.out.println("  " + name(i) + " exited; see " + cluster.member(i).log());
                    return false;
                }
            }
            return pollUntilSteady(restarted, deadline);
        }

        @Override
        public boolean isSteady(int restarted) {
            Leader leader = leader();
            return leader != null && caughtUp(leader, restarted) && allSeeAllUp();
        }

        /** Sampling the leader's commit index first and the replicas' applied index after. */
        private boolean caughtUp(Leader leader, int restarted) {
            JsonNode primary = status(leader.member());
            if (primary == null) {
                return false;
            }
            long committed = primary.path("commit_index").asLong(-1);
            for (int i = 0; i < size(); i++) {
                if (restarted >= 0 && i != restarted) {
                    continue;
                }
                JsonNode status = status(i);
                if (status == null || status.path("applied_index").asLong(-1) < committed || status.path("term").asLong(-1) != leader.term()) {
                    return false;
                }
            }
            return true;
        }

        private boolean allSeeAllUp() {
            for (int observer = 0; observer < size(); observer++) {
                for (LocalCluster.Member member : cluster.members()) {
                    if (!"UP".equals(cluster.statusSeenBy(observer, member.nodeId()))) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public long[] readBack(List<Ack> acknowledged) throws InterruptedException {
            long missing = 0;
            for (Ack ack : acknowledged) {
                for (int i = 0; i < size(); i++) {
                    int status = -1;
                    for (int attempt = 0; attempt < 3 && status != 200 && status != 404; attempt++) {
                        try {
                            status = http.send(HttpRequest.newBuilder(URI.create(cluster.member(i).apiUrl() + "/v1/assertions/" + ack.id()))
                                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + key).GET().build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (IOException e) {
                            Thread.sleep(200);
                        }
                    }
                    if (status != 200) {
                        missing++;
                        System.out.printf("  acknowledged write %s not readable on %s (HTTP %d)%n", ack.id(), name(i), status);
                    }
                }
            }
            return new long[] {acknowledged.size(), missing};
        }

        /**
         * Before the nodes are killed: every node's status and threads ({@code jcmd Thread.print})
         * into the base directory, so a stall can be told from a slow box afterwards.
         */
        void dumpForDiagnosis() throws InterruptedException {
            for (int i = 0; i < size(); i++) {
                JsonNode status = status(i);
                System.out.println("  " + name(i) + (cluster.isRunning(i) ? " running" : " not running") + ", status: "
                        + (status == null ? "no answer" : status.toString()));
            }
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            for (ProcessHandle child : ProcessHandle.current().children().toList()) {
                String commandLine = child.info().commandLine().orElse("");
                Matcher node = Pattern.compile("--node-id (\\S+)").matcher(commandLine);
                if (!node.find()) {
                    continue;
                }
                Path dump = cluster.member(0).log().getParent().resolve(node.group(1) + ".threads");
                try {
                    Process print = new ProcessBuilder(jcmd.toString(), Long.toString(child.pid()), "Thread.print")
                            .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
                    print.waitFor(30, TimeUnit.SECONDS);
                    System.out.println("  threads of " + node.group(1) + " in " + dump);
                } catch (IOException e) {
                    System.out.println("  no thread dump of " + node.group(1) + ": " + e.getMessage());
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            cluster.close();
        }
    }

    /** A 3-member etcd on loopback, written to with {@code PUT}s through each member's JSON gateway. */
    private final class EtcdTarget implements Target {

        private static final int MEMBERS = 3;
        private final Path directory;
        private final Process[] processes = new Process[MEMBERS];
        private final String value = Base64.getEncoder().encodeToString("x".repeat(200).getBytes(StandardCharsets.UTF_8));

        EtcdTarget(Path directory) throws IOException {
            this.directory = directory;
            Files.createDirectories(directory);
            for (int i = 0; i < MEMBERS; i++) {
                start(i);
            }
        }

        private int clientPort(int member) {
            return etcdPortBase + 10 * member;
        }

        private String clientUrl(int member) {
            return "http://127.0.0.1:" + clientPort(member);
        }

        @Override
        public int size() {
            return MEMBERS;
        }

        @Override
        public String name(int member) {
            return "etcd" + (member + 1);
        }

        @Override
        public HttpRequest write(int member, String unique) {
            String key = Base64.getEncoder().encodeToString(("bench/failover/" + unique).getBytes(StandardCharsets.UTF_8));
            return HttpRequest.newBuilder(URI.create(clientUrl(member) + "/v3/kv/put")).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}")).build();
        }

        @Override
        public HttpRequest directWrite(int member, String unique) {
            return null;
        }

        @Override
        public boolean acknowledged(HttpResponse<String> response) {
            return response.statusCode() == 200 && response.body().contains("\"revision\"");
        }

        @Override
        public Leader leader() {
            return leaderAmong(-1);
        }

        @Override
        public Leader leaderAmong(int excluded) {
            Leader best = null;
            for (int i = 0; i < MEMBERS; i++) {
                if (i == excluded) {
                    continue;
                }
                JsonNode status = status(i);
                if (status == null) {
                    continue;
                }
                String self = status.path("header").path("member_id").asString("");
                String leader = status.path("leader").asString("");
                if (!self.isEmpty() && self.equals(leader)) {
                    long term = Long.parseLong(status.path("raftTerm").asString("-1"));
                    if (best == null || term > best.term()) {
                        best = new Leader(i, term);
                    }
                }
            }
            return best;
        }

        private JsonNode status(int member) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(clientUrl(member) + "/v3/maintenance/status"))
                        .timeout(Duration.ofSeconds(1)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void kill(int member) throws InterruptedException {
            Process process = processes[member];
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        @Override
        public void start(int member) {
            StringBuilder initialCluster = new StringBuilder();
            for (int i = 0; i < MEMBERS; i++) {
                initialCluster.append(i == 0 ? "" : ",").append(name(i)).append("=http://127.0.0.1:").append(clientPort(i) + 1);
            }
            String peer = "http://127.0.0.1:" + (clientPort(member) + 1);
            // A restarted member finds its data directory and ignores the initial-cluster flags.
            List<String> command = List.of(etcdBinary, "--name", name(member),
                    "--data-dir", directory.resolve(name(member)).toString(),
                    "--listen-client-urls", clientUrl(member), "--advertise-client-urls", clientUrl(member),
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster.toString(), "--initial-cluster-token", "stemedb-failover-bench",
                    "--initial-cluster-state", "new", "--logger", "zap", "--log-outputs", "stderr");
            try {
                processes[member] = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve(name(member) + ".log").toFile())).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + etcdBinary + " (apt-get install etcd-server)", e);
            }
        }

        @Override
        public boolean isSteady(int restarted) {
            Leader leader = leader();
            return leader != null && caughtUp(leader, restarted);
        }

        private boolean caughtUp(Leader leader, int restarted) {
            JsonNode primary = status(leader.member());
            if (primary == null) {
                return false;
            }
            long leaderIndex = Long.parseLong(primary.path("raftIndex").asString("-1"));
            for (int i = 0; i < MEMBERS; i++) {
                if (restarted >= 0 && i != restarted) {
                    continue;
                }
                JsonNode status = status(i);
                if (status == null || Long.parseLong(status.path("raftAppliedIndex").asString("-1")) < leaderIndex) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public long[] readBack(List<Ack> acknowledged) {
            return new long[] {0, 0};
        }

        @Override
        public void close() throws InterruptedException {
            for (int i = 0; i < MEMBERS; i++) {
                kill(i);
            }
        }
    }

    private JsonNode getJson(String url, String key) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static long number(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
