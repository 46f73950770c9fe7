package io.stemedb.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.testing.FailedRunLogs;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.NodeProcess;
import io.stemedb.node.testing.TestHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real replicated cluster: three node processes, replication factor 2, one admin key, each node
 * on its own loopback address (127.0.0.2–4). Writes through any gateway reach every node and there
 * is one primary. Then, with 16 writers going through the gateways, three faults, each on a fresh
 * cluster: the primary killed with SIGKILL ten times in a row (each time a new primary takes writes
 * and the killed node restarts and catches up); the primary cut off from both replicas with
 * iptables (it stops acknowledging, the majority elects a primary, after the heal it is a replica
 * and the writes it took alone are not lost); the primary stopped with SIGSTOP for ten seconds.
 * After each: every acknowledged write is on every node, so is every write a node answered
 * {@code replication_timeout} for, no index was acknowledged for two records, and no term had two
 * primaries (from the nodes' own "elected primary" log lines). Then the membership flows: a
 * replica whose missing entries retention deleted catches up by rebase and Merkle sync; a failed
 * node is removed; a fourth node joins a running cluster and is promoted.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ReplicatedClusterIT {

    private static final Duration ELECTION = Duration.ofSeconds(30);
    private static final Pattern ELECTED = Pattern.compile("elected primary for term (\\d+)");
    /** Check-quorum: a primary that hears from no voter for an election timeout (1 s) steps down. */
    private static final Duration STEP_DOWN = Duration.ofSeconds(10);
    private static final int WRITERS = 16;
    /** Between all writers: well below what the packed cluster can take (see WriteLoad). */
    private static final int WRITES_PER_SECOND = 150;
    /** From a killed node's restart until it and the rest answer health (JVM start, journal load, gateway). */
    private static final Duration RESTART = Duration.ofSeconds(180);

    @TempDir
    Path base;

    @Test
    void aWriteThroughAnyGatewayIsOnEveryNodeAndThereIsOnePrimary() throws Exception {
        onCluster(cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                LocalCluster.Member through = cluster.member(i % 3);
                TestHttp.Response written = http.postJson(through.gatewayUrl() + "/v1/assert", WriteLoad.assertion("first", i));
                assertThat(written.status()).as(written.raw().body()).isEqualTo(201);
                ids.add(written.json().get("id").stringValue());
            }
            for (int node = 0; node < 3; node++) {
                int observer = node;
                TestHttp.await("node" + (node + 1) + " holds all 30 writes", Duration.ofSeconds(30),
                        () -> idsHeldBy(cluster, observer, http).containsAll(ids));
            }
            assertThat(primaries(cluster, http)).hasSize(1);
            JsonNode validation = http.get(cluster.member(0).apiUrl() + "/v1/admin/cluster/validate").json();
            assertThat(validation.get("primaries").asInt()).isEqualTo(1);
            assertThat(validation.get("replicas").asInt()).isEqualTo(2);
            assertThat(validation.get("unreachable").asInt()).isZero();

            // A replica that is gone trips the primary's stream breaker to it (the lag runbook's
            // check), and the runbook's reset by the replica's id closes it.
            int primary = awaitPrimary(cluster, http, -1);
            int replica = (primary + 1) % 3;
            String replicaId = cluster.member(replica).nodeId();
            String primaryApi = cluster.member(primary).apiUrl();
            cluster.kill(replica);
            TestHttp.await("the primary's breaker to " + replicaId + " trips", Duration.ofSeconds(60), () -> {
                try {
                    return http.get(primaryApi + "/v1/admin/circuit-breakers/tripped").raw().body()
                            .contains("\"replication:" + replicaId + "\"");
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            TestHttp.Response reset = http.post(primaryApi + "/v1/admin/circuit-breaker/reset",
                    "{\"agent_id\":\"" + replicaId + "\"}", "application/json", cluster.adminKey());
            assertThat(reset.status()).as(reset.raw().body()).isEqualTo(200);
            assertThat(reset.json().get("name").asString()).isEqualTo("replication:" + replicaId);
            assertThat(reset.json().get("state").asString()).isEqualTo("CLOSED");
        });
    }

    @Test
    void killingThePrimaryTenTimesUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        onCluster(cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            List<Long> restarts = new ArrayList<>();
            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                for (int round = 0; round < 10; round++) {
                    int primary = awaitPrimary(cluster, http, -1);
                    long before = load.acknowledgedCount();
                    cluster.kill(primary);
                    int next = awaitPrimary(cluster, http, primary);
                    TestHttp.await("writes acknowledged after the kill in round " + round, ELECTION,
                            () -> load.acknowledgedCount() > before + 20);
                    long restarting = System.nanoTime();
                    cluster.start(primary);
                    assertThat(cluster.awaitHealthy(RESTART)).as(cluster::healthReport).isTrue();
                    restarts.add(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarting));
                    assertThat(next).isNotEqualTo(primary);
                }
                load.close();
                System.out.printf("replicated cluster under 10 kills of the primary: %d writes acknowledged, %d refused or"
                        + " cut off; seconds from restart to healthy: %s%n", load.acknowledgedCount(), load.failed(), restarts);
                assertThat(load.acknowledgedCount()).isGreaterThan(1_000);
                assertNothingLost(cluster, http, load);
            }
        });
    }

    @Test
    void aPrimaryCutOffFromBothReplicasStopsAcknowledgingAndRejoinsAsAReplica() throws Exception {
        try (Firewall firewall = Firewall.require()) {
            onCluster(cluster -> {
                TestHttp http = TestHttp.withKey(cluster.adminKey());
                try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                    TestHttp.await("writes acknowledged before the partition", ELECTION, () -> load.acknowledgedCount() > 50);
                    int old = awaitPrimary(cluster, http, -1);
                    long oldTerm = status(cluster, old, http).path("term").asLong();
                    firewall.isolate(cluster.member(old), cluster.members());
                    long cut = System.nanoTime();

                    TestHttp.await("node" + (old + 1) + " steps down once it hears from no replica", STEP_DOWN,
                            () -> !isWritablePrimary(status(cluster, old, http)));
                    System.out.printf("the cut-off primary stopped taking writes %d ms after the partition%n",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut));
                    Set<String> durableOnTheOldPrimary = refusedDirectWrites(cluster, old, http);
                    int next = awaitPrimary(cluster, http, old);
                    assertThat(status(cluster, next, http).path("term").asLong()).isGreaterThan(oldTerm);
                    long during = load.acknowledgedCount();
                    TestHttp.await("the majority acknowledges writes during the partition", ELECTION,
                            () -> load.acknowledgedCount() > during + 50);
                    durableOnTheOldPrimary.addAll(refusedDirectWrites(cluster, old, http)); // still cut off
                    // Its store cannot be compared while no traffic passes: the diff says so, as a 503.
                    TestHttp.Response unreachable = merkleDiff(cluster, next, old, http);
                    assertThat(unreachable.status()).as(unreachable.raw().body()).isEqualTo(503);

                    firewall.heal();
                    TestHttp.await("node" + (old + 1) + " is a replica of the new primary after the heal", ELECTION, () -> {
                        JsonNode status = status(cluster, old, http);
                        return status != null && "replica".equals(status.path("role").asString(""))
                                && status.path("term").asLong() > oldTerm;
                    });
                    long healed = load.acknowledgedCount();
                    TestHttp.await("writes acknowledged after the heal", ELECTION, () -> load.acknowledgedCount() > healed + 50);
                    load.close();
                    assertNothingLost(cluster, http, load);
                    assertEveryNodeHolds(cluster, http, durableOnTheOldPrimary,
                            "the writes the cut-off primary took but could not replicate");
                    assertStoresIdentical(cluster, http);
                    assertASyncOfIdenticalStoresMovesNothing(cluster, next, old, http);
                }
            });
        }
    }

    @Test
    void aPrimaryStoppedForTenSecondsIsReplacedAndRejoinsAsAReplica() throws Exception {
        onCluster(cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                TestHttp.await("writes acknowledged before the pause", ELECTION, () -> load.acknowledgedCount() > 50);
                int old = awaitPrimary(cluster, http, -1);
                long oldTerm = status(cluster, old, http).path("term").asLong();
                cluster.pause(old);
                load.avoid(old);
                long paused = System.nanoTime();
                try {
                    int next = awaitPrimary(cluster, http, old);
                    assertThat(status(cluster, next, http).path("term").asLong()).isGreaterThan(oldTerm);
                    long during = load.acknowledgedCount();
                    TestHttp.await("writes acknowledged while the old primary is stopped", ELECTION,
                            () -> load.acknowledgedCount() > during + 50);
                    long left = TimeUnit.SECONDS.toNanos(10) - (System.nanoTime() - paused);
                    if (left > 0) {
                        TimeUnit.NANOSECONDS.sleep(left);
                    }
                } finally {
                    cluster.resume(old);
                    load.avoid(-1);
                }
                TestHttp.await("node" + (old + 1) + " is a replica after SIGCONT", ELECTION, () -> {
                    JsonNode status = status(cluster, old, http);
                    return status != null && "replica".equals(status.path("role").asString(""))
                            && status.path("term").asLong() > oldTerm;
                });
                long resumed = load.acknowledgedCount();
                TestHttp.await("writes acknowledged after SIGCONT", ELECTION, () -> load.acknowledgedCount() > resumed + 50);
                load.close();
                assertNothingLost(cluster, http, load);
            }
        });
    }

    @Test
    void fiveNodesFormOneClusterAndKeepTakingWritesWithTwoOfThemKilled() throws Exception {
        // 5 nodes, factor 3 (LocalCluster's majority): E = max(5 - 3 + 1, 3) = 3 voters elect, so
        // any three keep the cluster writable.
        onCluster(5, cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                TestHttp.Response written = http.postJson(cluster.member(i % 5).gatewayUrl() + "/v1/assert",
                        WriteLoad.assertion("five", i));
                assertThat(written.status()).as(written.raw().body()).isEqualTo(201);
                ids.add(written.json().get("id").stringValue());
            }
            assertEveryNodeHolds(cluster, http, new HashSet<>(ids), "the 25 writes through the five gateways");
            assertThat(primaries(cluster, http)).hasSize(1);
            JsonNode validation = http.get(cluster.member(0).apiUrl() + "/v1/admin/cluster/validate").json();
            assertThat(validation.get("primaries").asInt()).isEqualTo(1);
            assertThat(validation.get("replicas").asInt()).isEqualTo(4);
            assertThat(validation.get("unreachable").asInt()).isZero();

            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                TestHttp.await("writes acknowledged before the kills", ELECTION, () -> load.acknowledgedCount() > 50);
                int primary = awaitPrimary(cluster, http, -1);
                int replica = (primary + 1) % 5;
                cluster.kill(primary);
                cluster.kill(replica);
                awaitPrimary(cluster, http, primary);
                long survivors = load.acknowledgedCount();
                TestHttp.await("three of five acknowledge writes", ELECTION, () -> load.acknowledgedCount() > survivors + 50);
                long restarting = System.nanoTime();
                cluster.start(primary);
                cluster.start(replica);
                assertThat(cluster.awaitHealthy(RESTART)).as(cluster::healthReport).isTrue();
                System.out.printf("five nodes: the two killed ones healthy %d s after their restart%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarting));
                long rejoined = load.acknowledgedCount();
                TestHttp.await("writes acknowledged with all five back", ELECTION, () -> load.acknowledgedCount() > rejoined + 50);
                load.close();
                assertNothingLost(cluster, http, load);
            }
        });
    }

    /**
     * Three writes straight to a node's api that must not be acknowledged (it is cut off); the ids it
     * answered {@code replication_timeout} for are durable there and must survive the heal.
     */
    private static Set<String> refusedDirectWrites(LocalCluster cluster, int node, TestHttp http) throws Exception {
        Set<String> durable = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            TestHttp.Response answer = http.postJson(cluster.member(node).apiUrl() + "/v1/assert",
                    WriteLoad.assertion("direct-" + System.nanoTime(), i));
            assertThat(answer.status()).as("a write straight to the cut-off node: %s", answer.raw().body()).isEqualTo(503);
            if ("replication_timeout".equals(answer.json().path("reason").asString(""))) {
                answer.json().path("ids").forEach(id -> durable.add(id.asString()));
            }
        }
        return durable;
    }

    /**
     * The end of every fault test, with the writers stopped: every acknowledged write and every
     * write durable on a node but unacknowledged is on every node, no index was acknowledged for two
     * records, and no term had two primaries.
     */
    /**
     * A replica down while retention deletes, on the others, the entries it lacks: tiny segments
     * (64 KB), a retention pass every second, index snapshots every second, and a primary that
     * keeps a silent member's entries for 2 s only. Restarted, the replica is rebased by the
     * primary (its journal continues after the primary's base), skips the entries it never got,
     * and asks the primary for a Merkle sync, which brings the records it lacked through the log:
     * every acknowledged write on every node, the stores identical.
     */
    @Test
    void aReplicaWhoseMissingEntriesRetentionDeletedCatchesUpByRebaseAndSync() throws Exception {
        List<String> retentionSoon = List.of("-Dstemedb.wal.segment-max-size=64KB", "-Dstemedb.wal.retention.check-interval=1s",
                "-Dstemedb.wal.retention.keep-segments=1", "-Dstemedb.api.snapshot.interval=1s",
                "-Dstemedb.api.snapshot.min-entries=100", "-Dstemedb.replication.retention-patience=2s");
        onCluster(3, retentionSoon, cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                TestHttp.await("writes acknowledged before the replica goes down", ELECTION, () -> load.acknowledgedCount() > 300);
                int primary = awaitPrimary(cluster, http, -1);
                int replica = (primary + 1) % 3;
                long lastHeld = metric(cluster, replica, http, "stemedb_wal_last_durable_index");
                cluster.kill(replica);
                load.avoid(replica);
                TestHttp.await("the primary's journal no longer holds what node" + (replica + 1) + " lacks",
                        Duration.ofSeconds(120), () -> metric(cluster, primary, http, "stemedb_wal_first_index") > lastHeld + 1
                                && metric(cluster, (primary + 2) % 3, http, "stemedb_wal_first_index") > lastHeld + 1);
                cluster.start(replica);
                assertThat(cluster.awaitHealthy(RESTART)).as(cluster::healthReport).isTrue();
                load.avoid(-1);
                TestHttp.await("node" + (replica + 1) + " was rebased", ELECTION,
                        () -> metric(cluster, replica, http, "stemedb_replication_rebases_total") >= 1);
                long after = load.acknowledgedCount();
                TestHttp.await("writes acknowledged after the rebase", ELECTION, () -> load.acknowledgedCount() > after + 50);
                load.close();
                assertNothingLost(cluster, http, load);
                assertStoresIdentical(cluster, http);
                assertThat(metric(cluster, replica, http, "stemedb_index_skipped_entries_total")).isPositive();
                assertThat(metric(cluster, replica, http, "stemedb_replication_rebase_fills_total{outcome=\"started\"}"))
                        .isGreaterThanOrEqualTo(1);
            }
        });
    }

    /**
     * The runbook's removal of a failed node (003 §3 step 1), through another node's gateway: while
     * the node runs it is refused (409: the primary still hears from it); killed, it is removed
     * from the voters (the primary proposes it, whichever node is asked), gossip forgets it, and the
     * two voters left go on acknowledging writes, each holding every one.
     */
    /**
     * The primary drained under load (runbook 004's {@code POST /v1/admin/node/drain}): it hands the
     * role to a replica at once, says 503 {@code draining} on its health and to clients, never
     * campaigns while drained (its election timer runs out several times meanwhile), while writes
     * through its gateway still reach the new primary; resumed, it is healthy again. Nothing lost.
     */
    @Test
    void aDrainedPrimaryHandsTheRoleOverAndLeavesTheRotationUntilResumed() throws Exception {
        onCluster(cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                TestHttp.await("writes acknowledged before the drain", ELECTION, () -> load.acknowledgedCount() > 200);
                int drained = awaitPrimary(cluster, http, -1);
                String api = cluster.member(drained).apiUrl();
                TestHttp.Response answer = http.postJson(api + "/v1/admin/node/drain", "");
                assertThat(answer.status()).as(answer.raw().body()).isEqualTo(200);
                assertThat(answer.json().get("draining").asBoolean()).isTrue();
                assertThat(answer.json().get("role").asString()).as(answer.raw().body()).isNotEqualTo("primary");
                assertThat(answer.json().get("handed_to").asString()).isNotEqualTo(cluster.member(drained).nodeId());
                int successor = awaitPrimary(cluster, http, drained);

                TestHttp.Response health = http.get(api + "/v1/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().get("status").asString()).isEqualTo("draining");
                assertThat(http.get(api + "/actuator/health/readiness").status()).isEqualTo(503);
                TestHttp.Response direct = http.postJson(api + "/v1/assert", WriteLoad.assertion("drained", 0));
                assertThat(direct.status()).isEqualTo(503);
                assertThat(direct.json().get("reason").asString()).isEqualTo("draining");
                TestHttp.Response forwarded = http.postJson(cluster.member(drained).gatewayUrl() + "/v1/assert",
                        WriteLoad.assertion("through-drained-gateway", 0));
                assertThat(forwarded.status()).as(forwarded.raw().body()).isEqualTo(201);

                // Several election timeouts (1 s each) with the drained node a voter that never campaigns.
                long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                while (System.nanoTime() < until) {
                    JsonNode now = status(cluster, drained, http);
                    assertThat(now == null ? "" : now.path("role").asString("")).as("the drained node's role")
                            .isIn("", "replica");
                    Thread.sleep(200);
                }
                assertThat(metric(cluster, drained, http, "stemedb_node_draining")).isEqualTo(1);
                assertThat(metric(cluster, drained, http, "stemedb_node_drain_refused_total")).isPositive();

                TestHttp.Response resumed = http.postJson(api + "/v1/admin/node/resume", "");
                assertThat(resumed.status()).as(resumed.raw().body()).isEqualTo(200);
                assertThat(resumed.json().get("campaigning").asBoolean()).isTrue();
                assertThat(http.get(api + "/v1/health").status()).isEqualTo(200);
                assertThat(awaitPrimary(cluster, http, -1)).as("resuming does not take the role back").isEqualTo(successor);
                long after = load.acknowledgedCount();
                TestHttp.await("writes acknowledged after the resume", ELECTION, () -> load.acknowledgedCount() > after + 50);
                load.close();
                assertNothingLost(cluster, http, load);
                assertStoresIdentical(cluster, http);
            }
        });
    }

    @Test
    void aFailedNodeIsRemovedFromTheVotersAndTheRestKeepTakingWrites() throws Exception {
        onCluster(cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            int primary = awaitPrimary(cluster, http, -1);
            int failed = (primary + 1) % 3;
            int asked = (primary + 2) % 3;
            String failedId = cluster.member(failed).nodeId();
            String removal = "{\"node_id\":\"" + failedId + "\",\"force\":false}";
            TestHttp.Response live = http.postJson(cluster.member(asked).gatewayUrl() + "/admin/cluster/remove", removal);
            assertThat(live.status()).as(live.raw().body()).isEqualTo(409);
            assertThat(live.raw().body()).contains(failedId + " is up").contains("force");

            cluster.kill(failed);
            TestHttp.Response[] removed = {null};
            TestHttp.await("the primary lets " + failedId + " go once it no longer hears from it", ELECTION, () -> {
                try {
                    removed[0] = http.postJson(cluster.member(asked).gatewayUrl() + "/admin/cluster/remove", removal);
                    return removed[0].status() == 200;
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            assertThat(removed[0].json().path("removed").asBoolean()).isTrue();
            assertThat(removed[0].json().path("voters").toString()).doesNotContain(failedId);
            assertThat(removed[0].json().path("voters").size()).isEqualTo(2);
            TestHttp.await("every node left names two voters", ELECTION, () -> {
                for (int node : List.of(primary, asked)) {
                    JsonNode status = status(cluster, node, http);
                    if (status == null || status.path("voters").size() != 2 || status.path("voters").toString().contains(failedId)) {
                        return false;
                    }
                }
                return true;
            });
            TestHttp.Response members = http.get(cluster.member(asked).apiUrl() + "/v1/admin/cluster/members");
            assertThat(members.raw().body()).as("neither the consensus nor gossip lists it").doesNotContain("\"" + failedId + "\"");

            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                load.avoid(failed);
                TestHttp.await("writes acknowledged by the two voters left", ELECTION, () -> load.acknowledgedCount() > 200);
                load.close();
                assertThat(load.conflicts()).isEmpty();
                for (int node : List.of(primary, asked)) {
                    TestHttp.await("node" + (node + 1) + " holds every acknowledged write", Duration.ofSeconds(60),
                            () -> idsHeldBy(cluster, node, http).containsAll(load.acknowledged().keySet()));
                }
            }
        });
    }

    /**
     * The runbook's fourth node (003 §2), without restarting the others: started with
     * {@code --join}, it asks the running cluster to add it, the primary adds it as a learner
     * (its address from the request, gossip brings it to the others), streams it the log, and makes
     * it a voter once it has caught up. Writes go on throughout; afterwards all four hold every
     * acknowledged write and their stores are identical.
     */
    @Test
    void aFourthNodeJoinsARunningClusterAsALearnerAndIsPromotedToVoter() throws Exception {
        onCluster(4, 3, List.of(), cluster -> {
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            try (WriteLoad load = WriteLoad.start(cluster, WRITERS, WRITES_PER_SECOND)) {
                load.avoid(3);
                TestHttp.await("writes acknowledged by the three", ELECTION, () -> load.acknowledgedCount() > 300);
                cluster.start(3);
                assertThat(cluster.awaitHealthy(RESTART)).as(cluster::healthReport).isTrue();
                String joiner = cluster.member(3).nodeId();
                TestHttp.await(joiner + " is a voter on every node", Duration.ofSeconds(90), () -> {
                    for (int node = 0; node < 4; node++) {
                        JsonNode status = status(cluster, node, http);
                        if (status == null || status.path("voters").size() != 4 || !status.path("voters").toString()
                                .contains(joiner)) {
                            return false;
                        }
                    }
                    return "replica".equals(status(cluster, 3, http).path("role").asString(""));
                });
                load.avoid(-1);
                long joined = load.acknowledgedCount();
                TestHttp.await("writes acknowledged with four voters", ELECTION, () -> load.acknowledgedCount() > joined + 100);
                load.close();
                assertNothingLost(cluster, http, load);
                assertStoresIdentical(cluster, http);
            }
        });
    }

    /** A sample of {@code name} (with its labels, if any) from node {@code node}'s metrics; -1 if absent or unreachable. */
    private static long metric(LocalCluster cluster, int node, TestHttp http, String name) {
        try {
            String body = http.get(cluster.member(node).apiUrl() + "/metrics").raw().body();
            String bare = name.contains("{") ? name.substring(0, name.indexOf('{')) : name;
            String label = name.contains("{") ? name.substring(name.indexOf('{') + 1, name.length() - 1) : "";
            for (String line : body.split("\n")) {
                if (line.startsWith(bare + " ") || (line.startsWith(bare + "{") && line.contains(label))) {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void assertNothingLost(LocalCluster cluster, TestHttp http, WriteLoad load) throws Exception {
        assertThat(load.conflicts()).isEmpty();
        assertEveryNodeHolds(cluster, http, load.acknowledged().keySet(), "every acknowledged write");
        assertEveryNodeHolds(cluster, http, load.durableButUnacknowledged(),
                "every write a node answered replication_timeout for");
        assertThat(primariesPerTerm(cluster)).as("terms with more than one primary")
                .allSatisfy((term, nodes) -> assertThat(nodes).hasSize(1));
    }

    private static void assertEveryNodeHolds(LocalCluster cluster, TestHttp http, Set<String> ids, String what)
            throws InterruptedException {
        for (int node = 0; node < cluster.members().size(); node++) {
            int observer = node;
            TestHttp.await("node" + (node + 1) + " holds " + what + " (" + ids.size() + ")", Duration.ofSeconds(60),
                    () -> idsHeldBy(cluster, observer, http).containsAll(ids));
        }
    }

    /** Every pair of nodes compares its stores by their Merkle trees and finds them the same. */
    private static void assertStoresIdentical(LocalCluster cluster, TestHttp http) throws InterruptedException {
        for (int a = 0; a < cluster.members().size(); a++) {
            for (int b = a + 1; b < cluster.members().size(); b++) {
                int here = a;
                int there = b;
                JsonNode[] last = {null};
                TestHttp.await("node" + (a + 1) + " and node" + (b + 1) + " hold the same records (Merkle diff)",
                        Duration.ofSeconds(60), () -> {
                            try {
                                TestHttp.Response diff = merkleDiff(cluster, here, there, http);
                                last[0] = diff.status() == 200 ? diff.json() : null;
                                return last[0] != null && last[0].path("identical").asBoolean();
                            } catch (IOException e) {
                                return false;
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return false;
                            }
                        });
                assertThat(last[0].path("ranges")).isEmpty();
                assertThat(last[0].path("exact").asBoolean()).isTrue();
                assertThat(last[0].path("only_here").asLong() + last[0].path("only_there").asLong()).isZero();
                assertThat(last[0].path("records_here").asLong()).isEqualTo(last[0].path("records_there").asLong())
                        .isPositive();
                assertThat(last[0].path("rounds").asInt()).as("identical stores compare their roots only").isEqualTo(1);
            }
        }
    }

    /**
     * A Merkle sync between two nodes that hold the same records, started through the gateway as
     * the runbooks do, completes without moving a record; a target the cluster does not know is
     * named in the answer, and the api's endpoint refuses a malformed request with a 400.
     */
    private static void assertASyncOfIdenticalStoresMovesNothing(LocalCluster cluster, int node, int other, TestHttp http)
            throws Exception {
        String otherId = cluster.member(other).nodeId();
        TestHttp.Response started = http.postJson(cluster.member(node).gatewayUrl() + "/cluster/sync",
                "{\"target_nodes\":[\"" + otherId + "\",\"nobody\"],\"force\":true}");
        assertThat(started.status()).as(started.raw().body()).isEqualTo(202);
        assertThat(started.json().path("sessions").get(0).path("replica_id").asString()).isEqualTo(otherId);
        assertThat(started.json().path("refused").get(0).path("node_id").asString()).isEqualTo("nobody");
        assertThat(started.json().path("refused").get(0).path("status").asInt()).isEqualTo(404);
        JsonNode[] session = {null};
        TestHttp.await("the sync of node" + (node + 1) + " with node" + (other + 1) + " ends", Duration.ofSeconds(60), () -> {
            try {
                TestHttp.Response sessions = http.get(cluster.member(node).apiUrl() + "/v1/admin/cluster/sync");
                session[0] = sessions.status() == 200 ? sessions.json().path("sessions").get(0) : null;
                return session[0] != null && !session[0].path("state").asString("").matches("queued|running");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertThat(session[0].path("state").asString()).as(session[0].toString()).isEqualTo("completed");
        assertThat(session[0].path("progress").asDouble()).isEqualTo(1.0);
        assertThat(session[0].path("records_from_there").asLong() + session[0].path("records_from_here").asLong()
                + session[0].path("records_refused").asLong()).as(session[0].toString()).isZero();
        String metrics = http.get(cluster.member(node).apiUrl() + "/metrics").raw().body();
        assertThat(metrics).contains("stemedb_merkle_sync_progress{peer=\"" + otherId + "\"} 1.0")
                .contains("stemedb_merkle_sync_duration_seconds_count{outcome=\"completed\"} 1");
        TestHttp.Response malformed = http.postJson(cluster.member(node).apiUrl() + "/v1/admin/cluster/sync",
                "{\"replica_id\":5,\"force\":\"yes\"}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.raw().body()).contains("replica_id").contains("force");
    }

    private static TestHttp.Response merkleDiff(LocalCluster cluster, int node, int other, TestHttp http)
            throws IOException, InterruptedException {
        return http.postJson(cluster.member(node).apiUrl() + "/v1/admin/cluster/merkle-diff",
                "{\"other_node\":\"" + cluster.member(other).nodeId() + "\"}");
    }

    private static boolean isWritablePrimary(JsonNode status) {
        return status != null && "primary".equals(status.path("role").asString("")) && status.path("writable").asBoolean();
    }

    /** What a test does with a running cluster in which one primary is known. */
    @FunctionalInterface
    private interface ClusterSteps {
        void run(LocalCluster cluster) throws Exception;
    }

    private void onCluster(ClusterSteps steps) throws Exception {
        onCluster(3, steps);
    }

    private void onCluster(int nodes, ClusterSteps steps) throws Exception {
        onCluster(nodes, List.of(), steps);
    }

    private void onCluster(int nodes, List<String> jvmFlags, ClusterSteps steps) throws Exception {
        onCluster(nodes, nodes, jvmFlags, steps);
    }

    /** {@code planned} nodes, of which the first {@code initial} form the cluster; the others can join it later. */
    private void onCluster(int planned, int initial, List<String> jvmFlags, ClusterSteps steps) throws Exception {
        List<NodePorts> ports = new ArrayList<>();
        for (int i = 0; i < planned; i++) {
            ports.add(FreePorts.forNode());
        }
        try (LocalCluster cluster = LocalCluster.plan(NodeProcess.jar(), base, ports, false, true).withJvmFlags(jvmFlags)
                .withInitialMembers(initial)) {
            cluster.startAll();
            assertThat(cluster.awaitHealthy(Duration.ofSeconds(180))).as(cluster::healthReport).isTrue();
            TestHttp http = TestHttp.withKey(cluster.adminKey());
            awaitPrimary(cluster, http, -1);
            awaitEveryNodeNamesOnePrimary(cluster, http);
            steps.run(cluster);
        } catch (Throwable failure) {
            FailedRunLogs.keep(base, "ReplicatedClusterIT");
            throw failure;
        }
    }

    /** The node that says it is primary in the highest term among the running ones, other than {@code not}. */
    private static int awaitPrimary(LocalCluster cluster, TestHttp http, int not) throws InterruptedException {
        int[] found = {-1};
        TestHttp.await("a primary" + (not >= 0 ? " other than node" + (not + 1) : ""), ELECTION, () -> {
            long best = -1;
            found[0] = -1;
            for (int i = 0; i < cluster.members().size(); i++) {
                if (i == not || !cluster.isRunning(i)) {
                    continue;
                }
                JsonNode status = status(cluster, i, http);
                if (status != null && "primary".equals(status.path("role").asString("")) && status.path("writable").asBoolean()
                        && status.path("term").asLong() > best) {
                    best = status.path("term").asLong();
                    found[0] = i;
                }
            }
            return found[0] >= 0;
        });
        return found[0];
    }

    /**
     * Formed: every node names the same primary (a node that started after the others elected one
     * learns of it from the primary's first message to it).
     */
    private static void awaitEveryNodeNamesOnePrimary(LocalCluster cluster, TestHttp http) throws InterruptedException {
        TestHttp.await("every node names the same primary", ELECTION, () -> {
            Set<String> named = new HashSet<>();
            for (int i = 0; i < cluster.members().size(); i++) {
                if (!cluster.isRunning(i)) {
                    continue; // planned to join later
                }
                JsonNode status = status(cluster, i, http);
                named.add(status == null ? "" : status.path("primary").asString(""));
            }
            return named.size() == 1 && !named.contains("");
        });
    }

    private static Set<String> primaries(LocalCluster cluster, TestHttp http) {
        Set<String> primaries = new HashSet<>();
        for (int i = 0; i < cluster.members().size(); i++) {
            JsonNode status = status(cluster, i, http);
            if (status != null && "primary".equals(status.path("role").asString(""))) {
                primaries.add(status.path("node_id").asString());
            }
        }
        return primaries;
    }

    private static JsonNode status(LocalCluster cluster, int node, TestHttp http) {
        try {
            TestHttp.Response answer = http.get(cluster.member(node).apiUrl() + "/v1/admin/cluster/status");
            return answer.status() == 200 ? answer.json() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Every assertion id the node holds, from its export. */
    private static Set<String> idsHeldBy(LocalCluster cluster, int node, TestHttp http) {
        Set<String> ids = new HashSet<>();
        try {
            TestHttp.Response export = http.post(cluster.member(node).apiUrl() + "/v1/admin/export-assertions", "{}",
                    "application/json", cluster.adminKey());
            if (export.status() != 200) {
                return ids;
            }
            Matcher id = Pattern.compile("\"id\":\"([0-9a-f]{64})\"").matcher(export.raw().body());
            while (id.find()) {
                ids.add(id.group(1));
            }
        } catch (IOException e) {
            // not answering now: holds nothing yet, as far as this check goes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ids;
    }

    /** Term → the nodes that logged becoming its primary. */
    private Map<Long, Set<String>> primariesPerTerm(LocalCluster cluster) throws IOException {
        Map<Long, Set<String>> terms = new TreeMap<>();
        StringBuilder seen = new StringBuilder();
        for (LocalCluster.Member member : cluster.members()) {
            // Latin-1 decodes any byte: a stray byte in a log must not hide the lines around it.
            List<String> lines = Files.readAllLines(member.log(), StandardCharsets.ISO_8859_1);
            seen.append("; ").append(member.log()).append(": ").append(Files.size(member.log())).append(" bytes, ")
                    .append(lines.size()).append(" lines");
            lines.stream().filter(line -> line.contains("primary")).limit(3).forEach(line -> seen.append("\n  ").append(line));
            for (String line : lines) {
                Matcher elected = ELECTED.matcher(line);
                if (elected.find()) {
                    terms.computeIfAbsent(Long.parseLong(elected.group(1)), t -> new HashSet<>()).add(member.nodeId());
                }
            }
        }
        assertThat(terms).as("elections logged%s", seen).isNotEmpty();
        return terms;
    }
}
