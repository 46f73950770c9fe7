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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Export from one real node, import into an empty one: every lens answers the same on both, now
 * and as of an epoch and a timestamp; importing again stores nothing; and both admin endpoints
 * refuse requests without the admin token.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ExportImportTest {

    @TempDir
    Path source;

    @TempDir
    Path target;

    private final TestHttp http = new TestHttp();

    @Test
    void anExportImportedIntoAnEmptyNodeAnswersEveryQueryTheSame() throws Exception {
        try (EmbeddedNode a = start(source); EmbeddedNode b = start(target)) {
            String apiA = a.apiUrl();
            String apiB = b.apiUrl();
            String tokenA = token(source);
            String tokenB = token(target);

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(http.postJson(apiA + "/v1/assert", "{\"concept_path\":\"trip/c" + (i % 3) + (i % 2 == 0 ? "/deep" : "")
                        + "\",\"predicate\":\"p" + (i % 2) + "\",\"value\":" + i + ",\"agent_id\":\"w" + (i % 4)
                        + "\",\"confidence\":0." + (i % 10) + "}").json().get("id").stringValue());
            }
            vote(apiA, ids.get(0), "v1", 1);
            vote(apiA, ids.get(0), "v2", 1);
            post(apiA, "/v1/epochs", "{\"label\":\"first\"}");
            String cut = http.postJson(apiA + "/v1/assert", "{\"concept_path\":\"trip/c0\",\"predicate\":\"p0\",\"value\":\"late\"}")
                    .json().get("timestamp").stringValue();
            vote(apiA, ids.get(0), "v1", -1);
            vote(apiA, ids.get(6), "v3", 1);
            post(apiA, "/v1/retract", "{\"assertion_id\":\"" + ids.get(3) + "\",\"reason\":\"wrong\"}");
            post(apiA, "/v1/epochs", "{\"label\":\"second\"}");

            assertThat(TestHttp.anonymous().post(apiA + "/v1/admin/export-assertions", "{}", "application/json").status())
                    .isEqualTo(401);
            assertThat(http.post(apiA + "/v1/admin/export-assertions", "{}", "application/json", "not-the-token-at-all")
                    .status()).isEqualTo(401);
            TestHttp.Response export = http.post(apiA + "/v1/admin/export-assertions", "{}", "application/json", tokenA);
            assertThat(export.status()).isEqualTo(200);
            String lines = export.raw().body();
            assertThat(lines.lines()).hasSize(13 + 4 + 1 + 2);

            TestHttp.Response imported = http.post(apiB + "/v1/admin/import-assertions", lines, "application/x-ndjson", tokenB);
            assertThat(imported.status()).as(imported.raw().body()).isEqualTo(200);
            assertThat(imported.json().get("imported").get("assertion").asInt()).isEqualTo(13);
            assertThat(imported.json().get("imported").get("vote").asInt()).isEqualTo(4);
            assertThat(imported.json().get("imported").get("retraction").asInt()).isEqualTo(1);
            assertThat(imported.json().get("imported").get("epoch").asInt()).isEqualTo(2);

            for (String lens : List.of("recency", "consensus", "confidence", "history")) {
                for (String path : List.of("trip/**", "trip/c0", "trip/c1/deep")) {
                    for (String asOf : List.of("", ",\"as_of_epoch\":1", ",\"as_of_timestamp\":\"" + cut + "\"")) {
                        String query = "{\"concept_path\":\"" + path + "\",\"lens\":\"" + lens + "\"" + asOf + "}";
                        assertThat(answer(apiB, query)).as(query).isEqualTo(answer(apiA, query)).isNotEmpty();
                    }
                }
            }

            TestHttp.Response again = http.post(apiB + "/v1/admin/import-assertions", lines, "application/x-ndjson", tokenB);
            assertThat(again.json().get("imported").isEmpty()).as(again.raw().body()).isTrue();
            assertThat(again.json().get("duplicates").get("assertion").asInt()).isEqualTo(13);
        }
    }

    @Test
    void aBadLineStoresEveryValidRecordBeforeItAndNothingFromItOn() throws Exception {
        try (EmbeddedNode node = start(target)) {
            String token = token(target);
            String body = line("bad-line/a", 1) + "\n" + line("bad-line/b", 2) + "\n" + line("bad-line/c", 3) + "\n"
                    + "{\"type\":\"assertion\",\"concept_path\":\"bad-line//d\",\"predicate\":\"p\",\"value\":4,"
                    + "\"timestamp\":\"2026-11-26T10:00:04Z\"}\n" + line("bad-line/e", 5) + "\n";
            // As the split-brain runbook prints it: curl --data-binary, so a form content type.
            TestHttp.Response answer = http.post(node.apiUrl() + "/v1/admin/import-assertions", body,
                    "application/x-www-form-urlencoded", token);
            assertThat(answer.status()).as(answer.raw().body()).isEqualTo(400);
            assertThat(answer.json().get("errors").get(0).get("field").stringValue()).isEqualTo("line 4");

            // What the node holds, not what the message says.
            assertThat(assertionCount(node)).isEqualTo(3);
            assertThat(conceptsHeld(node, "bad-line/**")).containsExactly("bad-line/a", "bad-line/b", "bad-line/c");

            String fixed = body.replace("bad-line//d", "bad-line/d");
            TestHttp.Response rerun = http.post(node.apiUrl() + "/v1/admin/import-assertions", fixed,
                    "application/x-www-form-urlencoded", token);
            assertThat(rerun.status()).as(rerun.raw().body()).isEqualTo(200);
            assertThat(rerun.json().get("imported").get("assertion").asInt()).isEqualTo(2);
            assertThat(rerun.json().get("duplicates").get("assertion").asInt()).isEqualTo(3);
            assertThat(assertionCount(node)).isEqualTo(5);
        }
    }

    @Test
    void theImportTakesItsBodyWhateverTypeIsDeclaredOnBothPortsAndNeverEchoesIt() throws Exception {
        try (EmbeddedNode node = start(target)) {
            String token = token(target);
            int value = 0;
            List<String> types = java.util.Arrays.asList("application/x-www-form-urlencoded", "application/x-ndjson",
                    "application/json", "text/plain", "application/octet-stream", null);
            for (String base : List.of(node.apiUrl(), node.gatewayUrl())) {
                for (String type : types) {
                    value++;
                    TestHttp.Response answer = http.send("POST", base + "/v1/admin/import-assertions",
                            line("typed/v" + value, value) + "\n", type, token);
                    assertThat(answer.status()).as(base + " with " + type + ": " + answer.raw().body()).isEqualTo(200);
                    assertThat(answer.json().get("imported").get("assertion").asInt()).as(base + " " + type).isEqualTo(1);
                }
            }
            assertThat(assertionCount(node)).isEqualTo(value);

            String secret = "s3cr3t-".repeat(2_000);
            String hostile = "{\"type\":\"assertion\",\"concept_path\":\"typed/x\",\"predicate\":\"" + secret
                    + "\",\"value\":1,\"timestamp\":\"2026-11-26T10:00:00Z\",\"" + secret + "\":1}\n";
            for (String base : List.of(node.apiUrl(), node.gatewayUrl())) {
                TestHttp.Response refused = http.post(base + "/v1/admin/import-assertions", hostile,
                        "application/x-www-form-urlencoded", token);
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.json()).as("a JSON problem").isNotNull();
                assertThat(refused.raw().body().length()).as("the answer is small").isLessThan(4_096);
                assertThat(refused.raw().body()).doesNotContain("s3cr3t-".repeat(20));
            }
        }
    }

    @Test
    void anExportSinceReadsUnixSecondsAndRefusesWhatLooksLikeMilliseconds() throws Exception {
        try (EmbeddedNode node = start(target)) {
            String token = token(target);
            post(node.apiUrl(), "/v1/assert", "{\"concept_path\":\"since/early\",\"predicate\":\"p\",\"value\":1}");
            Thread.sleep(1_100);
            long seconds = java.time.Instant.now().getEpochSecond();
            Thread.sleep(1_100);
            post(node.apiUrl(), "/v1/assert", "{\"concept_path\":\"since/late\",\"predicate\":\"p\",\"value\":2}");

            TestHttp.Response since = http.post(node.apiUrl() + "/v1/admin/export-assertions", "{\"since\":" + seconds + "}",
                    "application/json", token);
            assertThat(since.status()).as(since.raw().body()).isEqualTo(200);
            assertThat(since.raw().body().lines()).hasSize(1).allMatch(record -> record.contains("since/late"));

            TestHttp.Response fraction = http.post(node.apiUrl() + "/v1/admin/export-assertions",
                    "{\"since\":" + seconds + ".5}", "application/json", token);
            assertThat(fraction.raw().body().lines()).hasSize(1);

            TestHttp.Response millis = http.post(node.apiUrl() + "/v1/admin/export-assertions",
                    "{\"since\":" + seconds * 1000 + "}", "application/json", token);
            assertThat(millis.status()).isEqualTo(400);
            assertThat(millis.json().get("errors").get(0).get("field").stringValue()).isEqualTo("since");
            assertThat(millis.json().get("errors").get(0).get("message").stringValue()).contains("milliseconds", "seconds");
        }
    }

    private static String line(String conceptPath, int value) {
        return "{\"type\":\"assertion\",\"concept_path\":\"" + conceptPath + "\",\"predicate\":\"p\",\"value\":" + value
                + ",\"agent_id\":\"importer\",\"confidence\":0.5,\"timestamp\":\"2026-11-26T10:00:0" + (value % 10) + "Z\"}";
    }

    private long assertionCount(EmbeddedNode node) throws Exception {
        TestHttp.Response health = http.get(node.apiUrl() + "/v1/health");
        return health.json().get("assertion_count").asLong();
    }

    private List<String> conceptsHeld(EmbeddedNode node, String path) throws Exception {
        TestHttp.Response history = http.postJson(node.apiUrl() + "/v1/query",
                "{\"concept_path\":\"" + path + "\",\"lens\":\"history\"}");
        List<String> concepts = new ArrayList<>();
        for (JsonNode result : history.json().get("results")) {
            concepts.add(result.get("concept_path").stringValue());
        }
        return concepts;
    }

    private EmbeddedNode start(Path data) {
        EmbeddedNode node = TestKeys.start(new NodeSettings("n-" + data.getFileName(), data, "127.0.0.1",
                FreePorts.forNode(), null));
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        return node;
    }

    private static String token(Path data) throws Exception {
        return Files.readString(data.resolve("admin.token"), StandardCharsets.UTF_8).trim();
    }

    private void vote(String api, String id, String agent, int weight) throws Exception {
        post(api, "/v1/vote", "{\"assertion_id\":\"" + id + "\",\"agent_id\":\"" + agent + "\",\"weight\":" + weight + "}");
    }

    private void post(String api, String path, String body) throws Exception {
        TestHttp.Response response = http.postJson(api + path, body);
        assertThat(response.status()).as(path + " " + response.raw().body()).isIn(200, 201);
    }

    /** A query's results without what is node-local (log index, term). */
    private List<String> answer(String api, String query) throws Exception {
        TestHttp.Response response = http.postJson(api + "/v1/query", query);
        assertThat(response.status()).as(response.raw().body()).isEqualTo(200);
        List<String> results = new ArrayList<>();
        for (JsonNode result : response.json().get("results")) {
            results.add(result.get("type").stringValue() + " " + result.get("id").stringValue() + " "
                    + result.path("net_votes").asInt(0) + " " + result.path("retracted").asBoolean(false) + " "
                    + result.get("timestamp").stringValue());
        }
        return results;
    }
}
