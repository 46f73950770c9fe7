package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart rebuilds the index from the newest snapshot plus the journal's tail after it (not a
 * full replay), and answers every query exactly as before. The shutdown snapshot is turned off
 * here, so the restart really has a tail to replay.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SnapshotRestartTest {

    @TempDir
    Path data;

    @TempDir
    Path config;

    private final TestHttp http = new TestHttp();

    @Test
    void snapshotPlusTailReproducesTheSameAnswers() throws Exception {
        Files.writeString(config.resolve("api-service.yml"), "stemedb:\n  api:\n    snapshot:\n      on-shutdown: false\n");
        NodeSettings settings = new NodeSettings("snap", data, "127.0.0.1", FreePorts.forNode(), config);
        Map<String, String> before = new LinkedHashMap<>();
        long snapshotIndex;
        long lastIndex;
        try (EmbeddedNode node = start(settings)) {
            String api = node.apiUrl();
            List<String> ids = write(api, 0, 30);
            post(api, "/v1/vote", "{\"assertion_id\":\"" + ids.get(1) + "\",\"agent_id\":\"v\",\"weight\":1}");
            post(api, "/v1/epochs", "{\"label\":\"before snapshot\"}");
            long applied = http.get(api + "/v1/health").json().get("applied_index").asLong();
            TestHttp.Response snapshot = http.post(api + "/v1/admin/snapshot", "", "application/json", token());
            assertThat(snapshot.status()).as(snapshot.raw().body()).isEqualTo(200);
            snapshotIndex = snapshot.json().get("index").asLong();
            // 30 assertions, a vote and an epoch, after the no-op a primary writes when its term starts.
            assertThat(snapshotIndex).isEqualTo(applied).isEqualTo(33);

            write(api, 30, 40);
            post(api, "/v1/vote", "{\"assertion_id\":\"" + ids.get(1) + "\",\"agent_id\":\"v\",\"weight\":-1}");
            post(api, "/v1/retract", "{\"assertion_id\":\"" + ids.get(2) + "\"}");
            post(api, "/v1/epochs", "{\"label\":\"after snapshot\"}");
            lastIndex = http.get(api + "/v1/health").json().get("applied_index").asLong();
            for (String query : queries()) {
                before.put(query, answer(api, query));
            }
        }
        try (EmbeddedNode node = start(settings)) {
            String metrics = http.get(node.apiUrl() + "/metrics").raw().body();
            assertThat(gauge(metrics, "stemedb_index_snapshot_loaded_index")).isEqualTo(snapshotIndex);
            // Everything from before, and the no-op that starts the restarted node's own new term.
            assertThat(http.get(node.apiUrl() + "/v1/health").json().get("applied_index").asLong()).isEqualTo(lastIndex + 1);
            for (Map.Entry<String, String> query : before.entrySet()) {
                assertThat(answer(node.apiUrl(), query.getKey())).as(query.getKey()).isEqualTo(query.getValue());
            }
        }
    }

    private static List<String> queries() {
        List<String> queries = new ArrayList<>();
        for (String lens : List.of("recency", "consensus", "confidence", "history")) {
            for (String asOf : List.of("", ",\"as_of_epoch\":1", ",\"as_of_index\":20")) {
                queries.add("{\"concept_path\":\"snap/**\",\"lens\":\"" + lens + "\"" + asOf + "}");
            }
        }
        return queries;
    }

    private List<String> write(String api, int from, int to) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            TestHttp.Response written = http.postJson(api + "/v1/assert", "{\"concept_path\":\"snap/c" + (i % 4)
                    + "\",\"predicate\":\"p" + (i % 3) + "\",\"value\":" + i + ",\"confidence\":0." + (i % 9 + 1) + "}");
            assertThat(written.status()).isEqualTo(201);
            ids.add(written.json().get("id").stringValue());
        }
        return ids;
    }

    private void post(String api, String path, String body) throws Exception {
        assertThat(http.postJson(api + path, body).status()).isIn(200, 201);
    }

    private String answer(String api, String query) throws Exception {
        TestHttp.Response response = http.postJson(api + "/v1/query", query);
        assertThat(response.status()).isEqualTo(200);
        return response.json().get("results").toString();
    }

    private String token() throws Exception {
        return Files.readString(data.resolve("admin.token"), StandardCharsets.UTF_8).trim();
    }

    private static long gauge(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ")).map(line -> line.substring(name.length() + 1))
                .mapToLong(value -> (long) Double.parseDouble(value)).findFirst().orElseThrow();
    }

    private static EmbeddedNode start(NodeSettings settings) {
        EmbeddedNode node = TestKeys.start(settings);
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        return node;
    }
}
