package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The assembled node in this JVM, on free ports: five services as child contexts talking over real
 * loopback gRPC and HTTP, a real journal in a temporary directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedNodeTest {

    @TempDir
    static Path dataDirectory;

    private final TestHttp http = new TestHttp();
    private EmbeddedNode node;
    private String api;
    private String gateway;

    @BeforeAll
    void startNode() {
        NodePorts ports = FreePorts.forNode();
        node = TestKeys.start(new NodeSettings("test-node", dataDirectory, "127.0.0.1", ports, null));
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        api = "http://127.0.0.1:" + ports.api();
        gateway = "http://127.0.0.1:" + ports.gateway();
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theSameContentIsStoredOnceAndTheSecondWriteSaysSo() throws Exception {
        String body = "{\"concept_path\":\"dedup/once\",\"predicate\":\"p\",\"value\":{\"b\":1,\"a\":2}}";
        TestHttp.Response first = http.postJson(api + "/v1/assert", body);
        // Same content, other spelling: key order and number form do not change the content hash.
        TestHttp.Response second = http.postJson(gateway + "/v1/assert",
                "{\"value\":{\"a\":2.0,\"b\":1},\"predicate\":\"p\",\"concept_path\":\"dedup/once\"}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("duplicate").asBoolean()).isTrue();
        assertThat(second.json().get("id").stringValue()).isEqualTo(first.json().get("id").stringValue());
        assertThat(second.json().get("index").asLong()).isEqualTo(first.json().get("index").asLong());
        TestHttp.Response history = http.postJson(api + "/v1/query", "{\"concept_path\":\"dedup/once\",\"lens\":\"history\"}");
        assertThat(history.json().get("count").asInt()).isEqualTo(1);
    }

    @Test
    void aWriteThroughTheGatewayIsDurableAndQueryableAtOnce() throws Exception {
        TestHttp.Response written = http.postJson(gateway + "/v1/assert", """
                {"concept_path":"medicine/drugs/paracetamol","predicate":"max_daily_dose_mg","value":4000,
                 "agent_id":"pharma-bot","confidence":0.9}""");

        assertThat(written.status()).isEqualTo(201);
        assertThat(written.json().get("duplicate").asBoolean()).isFalse();
        assertThat(written.json().get("index").asLong()).isPositive();
        assertThat(written.json().get("timestamp").stringValue()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        // Read-your-writes: the query goes straight to the api after the 201.
        TestHttp.Response answer = http.postJson(api + "/v1/query",
                "{\"concept_path\":\"medicine/drugs/paracetamol\",\"predicate\":\"max_daily_dose_mg\",\"lens\":\"recency\"}");
        assertThat(answer.status()).isEqualTo(200);
        JsonNode result = answer.json().get("results").get(0);
        assertThat(result.get("id").stringValue()).isEqualTo(written.json().get("id").stringValue());
        assertThat(result.get("value").asInt()).isEqualTo(4000);
        assertThat(result.get("confidence").asDouble()).isEqualTo(0.9);
        assertThat(result.get("agent_id").stringValue()).isEqualTo("pharma-bot");
        assertThat(result.get("index").asLong()).isEqualTo(written.json().get("index").asLong());
    }

    @Test
    void recencyAndHistoryLensesAnswerFromTheIndex() throws Exception {
        for (int dose = 1; dose <= 3; dose++) {
            assertThat(http.postJson(gateway + "/v1/assert", "{\"concept_path\":\"lens/drug\",\"predicate\":\"dose\",\"value\":"
                    + dose + "}").status()).isEqualTo(201);
        }
        assertThat(http.postJson(gateway + "/v1/assert",
                "{\"concept_path\":\"lens/drug/child\",\"predicate\":\"dose\",\"value\":9}").status()).isEqualTo(201);

        JsonNode recency = http.postJson(gateway + "/v1/query", "{\"concept_path\":\"lens/drug\",\"lens\":\"recency\"}").json();
        assertThat(recency.get("count").asInt()).isEqualTo(1);
        assertThat(recency.get("results").get(0).get("value").asInt()).isEqualTo(3);

        JsonNode history = http.postJson(gateway + "/v1/query", "{\"concept_path\":\"lens/drug/**\",\"lens\":\"history\"}").json();
        List<Integer> values = new ArrayList<>();
        history.get("results").forEach(assertion -> values.add(assertion.get("value").asInt()));
        assertThat(values).containsExactly(1, 2, 3, 9);
    }

    @Test
    void badInputGetsA400NamingTheFieldOnBothPorts() throws Exception {
        for (String base : List.of(api, gateway)) {
            TestHttp.Response response = http.postJson(base + "/v1/assert",
                    "{\"concept_path\":\"a//b\",\"predicate\":\"p\",\"value\":1,\"confidence\":7}");
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).contains("json"));
            List<String> fields = new ArrayList<>();
            response.json().get("errors").forEach(error -> fields.add(error.get("field").stringValue()));
            assertThat(fields).containsExactlyInAnyOrder("concept_path", "confidence");
        }
    }

    @Test
    void nonJsonContentTypesAreRefusedRatherThanMisread() throws Exception {
        // A form-encoded body would be rebuilt from parameters by the servlet layer, turning '+'
        // into ' ' inside the JSON: refuse it instead.
        TestHttp.Response response = http.post(api + "/v1/assert",
                "{\"concept_path\":\"a\",\"predicate\":\"p\",\"value\":\"b+c\"}", "application/x-www-form-urlencoded");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.json().get("status").asInt()).isEqualTo(415);
    }

    @Test
    void healthProbesAndMetricsAreServed() throws Exception {
        TestHttp.Response health = http.get(api + "/v1/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").stringValue()).isEqualTo("healthy");
        assertThat(health.json().get("role").stringValue()).isEqualTo("primary");
        assertThat(health.json().get("node_id").stringValue()).isEqualTo("test-node");
        assertThat(health.json().has("assertion_count")).isTrue();
        assertThat(http.get(gateway + "/v1/health").status()).isEqualTo(200);

        assertThat(http.get(api + "/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(http.get(api + "/actuator/health/readiness").status()).isEqualTo(200);

        http.postJson(api + "/v1/assert", "{\"concept_path\":\"metrics/x\",\"predicate\":\"p\",\"value\":1}");
        TestHttp.Response metrics = http.get(api + "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw().body())
                .contains("stemedb_assertions_indexed_total ")
                .contains("stemedb_wal_fsync_duration_seconds{quantile=\"0.99\"}")
                .contains("stemedb_wal_fsync_duration_seconds_count ")
                .contains("stemedb_wal_fsync_errors_total{segment=")
                .contains("jvm_memory_used_bytes");
        // Gathered over gRPC from the node's other services, each with its own registry: the
        // replication-service's and the membership-service's meters too, each family once.
        assertThat(metrics.raw().body()).contains("stemedb_cluster_is_primary ").contains("stemedb_swim_unreachable_members ");
        assertThat(metrics.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        List<String> types = metrics.raw().body().lines().filter(line -> line.startsWith("# TYPE ")).toList();
        assertThat(types).as("each metric family declared once").doesNotHaveDuplicates();
        assertThat(metrics.raw().body()).contains("stemedb_metrics_scrape_errors_total{service=\"wal\"} 0.0");
    }

    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        double entriesBefore = metric("stemedb_wal_group_commit_entries_sum");
        double fsyncsBefore = metric("stemedb_wal_group_commit_entries_count");
        ExecutorService writers = Executors.newFixedThreadPool(32);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < 640; i++) {
            int n = i;
            statuses.add(writers.submit(() -> http.postJson(api + "/v1/assert",
                    "{\"concept_path\":\"group/c" + (n % 10) + "\",\"predicate\":\"p\",\"value\":" + n + "}").status()));
        }
        for (Future<Integer> status : statuses) {
            assertThat(status.get(60, TimeUnit.SECONDS)).isEqualTo(201);
        }
        writers.shutdown();
        double entries = metric("stemedb_wal_group_commit_entries_sum") - entriesBefore;
        double fsyncs = metric("stemedb_wal_group_commit_entries_count") - fsyncsBefore;
        assertThat(entries).isGreaterThanOrEqualTo(640);
        assertThat(fsyncs).isLessThan(entries);
    }

    /** The curl examples in README.md, run as printed (ports swapped for this node's). */
    @Test
    void theReadmeExamplesWorkAsPrinted() throws Exception {
        List<String> commands = ReadmeExamples.curlCommands(Path.of("..", "README.md"));
        assertThat(commands).hasSizeGreaterThanOrEqualTo(6);
        for (String command : commands) {
            ReadmeExamples.Curl curl = ReadmeExamples.parse(command);
            String url = curl.url().replace(":18180", ":" + api.substring(api.lastIndexOf(':') + 1))
                    .replace(":18181", ":" + gateway.substring(gateway.lastIndexOf(':') + 1));
            // As printed: the generated admin key only where the command sends $KEY.
            TestHttp client = curl.sendsKey() ? http : TestHttp.anonymous();
            TestHttp.Response response = curl.body() == null ? client.get(url) : client.postJson(url, curl.body());
            assertThat(response.status()).as(command).isBetween(200, 201);
        }
    }

    private double metric(String name) throws Exception {
        for (String line : http.get(api + "/metrics").raw().body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("metric " + name + " not found");
    }
}
