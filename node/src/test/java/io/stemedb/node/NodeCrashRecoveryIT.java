package io.stemedb.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.NodeProcess;
import io.stemedb.node.testing.TestHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * No acknowledged write is lost when the node process ends: a real node process under write load
 * through the gateway is killed with SIGKILL (first round) or stopped with SIGTERM while the load
 * goes on (second round), restarted on the same data, and must answer with every assertion it
 * acknowledged, with the same id and index.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class NodeCrashRecoveryIT {

    private static final int WRITERS = 8;
    private static final int CONCEPTS = 20;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    private final TestHttp http = new TestHttp();

    @Test
    void everyAcknowledgedWriteSurvivesSigkillAndRestart() throws Exception {
        Path data = work.resolve("data");
        Path log = Path.of("target", "node-crash-it.log");
        Files.deleteIfExists(log);
        NodePorts ports = FreePorts.forNode();
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();

        for (int round = 1; round <= 2; round++) {
            try (NodeProcess node = NodeProcess.start(data, ports, log)) {
                node.awaitHealthy(http, START_TIMEOUT);
                assertEverythingPresent(node, acknowledged);
                int before = acknowledged.size();
                writeUntilEnded(node, round, acknowledged, round == 1);
                assertThat(acknowledged.size() - before).as("writes acknowledged in round %d", round).isGreaterThan(50);
            }
        }
        try (NodeProcess node = NodeProcess.start(data, ports, log)) {
            node.awaitHealthy(http, START_TIMEOUT);
            assertEverythingPresent(node, acknowledged);

            // The log continues after the recovered entries.
            long highest = acknowledged.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            TestHttp.Response after = http.postJson(node.gatewayUrl() + "/v1/assert",
                    "{\"concept_path\":\"crash/after\",\"predicate\":\"p\",\"value\":1}");
            assertThat(after.status()).isEqualTo(201);
            assertThat(after.json().get("index").asLong()).isGreaterThan(highest);
        }
    }

    /** Runs writers through the gateway, ends the node under them, and returns once they stopped. */
    private void writeUntilEnded(NodeProcess node, int round, Map<String, Long> acknowledged, boolean sigkill)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger unexpected = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                for (int sequence = 0; !stop.get(); sequence++) {
                    String body = "{\"concept_path\":\"crash/c" + (sequence % CONCEPTS) + "\",\"predicate\":\"p" + writer
                            + "\",\"value\":\"round " + round + " writer " + writer + " write " + sequence + "\"}";
                    try {
                        TestHttp.Response response = http.postJson(node.gatewayUrl() + "/v1/assert", body);
                        if (response.status() == 201) {
                            acknowledged.put(response.json().get("id").stringValue(), response.json().get("index").asLong());
                        } else if (response.status() != 502 && response.status() != 503) {
                            unexpected.incrementAndGet();
                        }
                    } catch (IOException connectionLost) {
                        // Expected once the node is dead.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "crash-writer-" + w);
            writers.add(thread);
            thread.start();
        }
        Thread.sleep(4_000);
        if (sigkill) {
            node.kill();
        } else {
            node.stop();
        }
        stop.set(true);
        for (Thread writer : writers) {
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
        }
        assertThat(unexpected.get()).as("answers other than 201/502/503").isZero();
    }

    private void assertEverythingPresent(NodeProcess node, Map<String, Long> acknowledged) throws Exception {
        Map<String, Long> stored = new HashMap<>();
        for (int concept = 0; concept < CONCEPTS; concept++) {
            TestHttp.Response answer = http.postJson(node.gatewayUrl() + "/v1/query",
                    "{\"concept_path\":\"crash/c" + concept + "\",\"lens\":\"history\"}");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("truncated").asBoolean()).isFalse();
            for (JsonNode assertion : answer.json().get("results")) {
                stored.put(assertion.get("id").stringValue(), assertion.get("index").asLong());
            }
        }
        assertThat(stored).containsAllEntriesOf(acknowledged);
        JsonNode health = http.get(node.apiUrl() + "/v1/health").json();
        assertThat(health.get("assertion_count").asLong()).isGreaterThanOrEqualTo(acknowledged.size());
    }
}
