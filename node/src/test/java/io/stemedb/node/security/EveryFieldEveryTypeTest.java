package io.stemedb.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.node.testing.TestKeys;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Not random: every field of every JSON body the node takes (writes, queries, admin, each kind of
 * import line) and every query parameter of the watch, sent missing, as {@code null}, and as every
 * JSON type it is not (and a few values of its own type that are out of range), on both ports.
 * No answer may be a 5xx; every 4xx is a JSON problem; and a 400 names the field it is about.
 * The bodies start from a valid request (checked to be accepted first), so each answer is about
 * exactly one field.
 */
class EveryFieldEveryTypeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What a field is replaced with; "<missing>" removes it. */
    private static final List<String> VARIANTS = List.of("<missing>", "null", "true", "false", "0", "-1", "2.5", "1e400",
            "-1e400", "99999999999999999999999", "\"\"", "\"x\"", "\"1\"", "\"" + "a".repeat(5_000) + "\"", "[]", "[1]",
            "[\"x\"]", "{}", "{\"a\":1}");

    @TempDir
    Path data;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One body and the fields to vary in it, as paths (a field inside an array item: {@code assertions/0/value}). */
    private record Body(String path, String valid, List<String> fields, boolean jsonLines) {}

    @Test
    void everyFieldMissingNullOrOfAnyWrongTypeGetsA4xxNamingItNeverA5xx() throws Exception {
        TestPrincipals.provision(data);
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("fields", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            TestHttp http = new TestHttp();
            String assertion = "{\"concept_path\":\"fuzz/fields\",\"predicate\":\"p\",\"value\":{\"a\":1},"
                    + "\"agent_id\":\"fuzzer\",\"confidence\":0.5}";
            String id = http.postJson(node.apiUrl() + "/v1/assert", assertion).json().get("id").stringValue();
            List<String> assertionFields = List.of("concept_path", "predicate", "value", "agent_id", "confidence");
            String line = "{\"type\":\"assertion\",\"concept_path\":\"fuzz/import\",\"predicate\":\"p\",\"value\":1,"
                    + "\"agent_id\":\"fuzzer\",\"confidence\":0.5,\"timestamp\":\"2026-11-26T10:00:00Z\"}";

            List<Body> bodies = List.of(
                    new Body("/v1/assert", assertion, assertionFields, false),
                    new Body("/v1/assert/batch", "{\"assertions\":[" + assertion + "]}", prefixed("assertions/0/",
                            assertionFields, "assertions", "assertions/0"), false),
                    new Body("/v1/vote", "{\"assertion_id\":\"" + id + "\",\"agent_id\":\"fuzzer\",\"weight\":1}",
                            List.of("assertion_id", "agent_id", "weight"), false),
                    new Body("/v1/retract", "{\"assertion_id\":\"" + id + "\",\"agent_id\":\"fuzzer\",\"reason\":\"r\"}",
                            List.of("assertion_id", "agent_id", "reason"), false),
                    new Body("/v1/epochs", "{\"label\":\"l\"}", List.of("label"), false),
                    new Body("/v1/query", "{\"concept_path\":\"fuzz/**\",\"predicate\":\"p\",\"lens\":\"recency\",\"limit\":10}",
                            List.of("concept_path", "predicate", "lens", "limit", "cursor", "as_of_index", "as_of_epoch",
                                    "as_of_timestamp", "min_index", "consistency"), false),
                    new Body("/v1/admin/export-assertions", "{\"since\":\"2026-01-01T00:00:00Z\",\"since_index\":0}",
                            List.of("since", "since_index"), false),
                    new Body("/v1/admin/import-assertions", line, List.of("type", "id", "timestamp", "concept_path",
                            "predicate", "value", "agent_id", "confidence"), true),
                    new Body("/v1/admin/import-assertions", "{\"type\":\"vote\",\"assertion_id\":\"" + id
                            + "\",\"agent_id\":\"importer\",\"weight\":1,\"timestamp\":\"2026-11-26T10:00:00Z\"}",
                            List.of("assertion_id", "agent_id", "weight"), true),
                    new Body("/v1/admin/import-assertions", "{\"type\":\"retraction\",\"assertion_id\":\"" + id
                            + "\",\"agent_id\":\"importer\",\"reason\":\"r\",\"timestamp\":\"2026-11-26T10:00:00Z\"}",
                            List.of("assertion_id", "agent_id", "reason"), true),
                    new Body("/v1/admin/import-assertions", "{\"type\":\"epoch\",\"number\":1,\"label\":\"l\","
                            + "\"timestamp\":\"2026-11-26T10:00:00Z\"}", List.of("number", "label"), true),
                    new Body("/v1/admin/rate-limit", "{\"max_assertions_per_sec\":0,\"max_assertions_per_sec_per_agent\":0}",
                            List.of("max_assertions_per_sec", "max_assertions_per_sec_per_agent"), false),
                    new Body("/v1/admin/circuit-breaker/reset", "{\"name\":\"no-such-breaker\"}", List.of("name", "agent_id"),
                            false),
                    new Body("/v1/admin/cluster/remove", "{\"node_id\":\"ghost\",\"force\":true}", List.of("node_id", "force"),
                            false),
                    new Body("/v1/admin/cluster/promote", "{\"node_id\":\"ghost\"}", List.of("node_id"), false));

            Map<String, Integer> statuses = new TreeMap<>();
            List<String> wrong = new ArrayList<>();
            int sent = 0;
            for (String base : List.of(node.apiUrl(), node.gatewayUrl())) {
                for (Body body : bodies) {
                    int accepted = send(base, body.path(), body.valid(), body.jsonLines()).status();
                    assertThat(accepted).as("the valid body for " + body.path() + " " + body.valid()).isIn(200, 201, 404);
                    for (String field : body.fields()) {
                        for (String variant : VARIANTS) {
                            String request = vary(body.valid(), field, variant);
                            Answer answer = send(base, body.path(), request, body.jsonLines());
                            sent++;
                            statuses.merge(answer.status() / 100 + "xx", 1, Integer::sum);
                            String problem = problemWith(answer, field);
                            if (problem != null) {
                                wrong.add(base + " " + body.path() + " " + field + "=" + abbreviate(variant) + ": " + problem);
                            }
                        }
                    }
                }
                for (String parameter : List.of("concept_path", "from_index")) {
                    for (String value : List.of("<missing>", "", "x", "-1", "1.5", "%2e%2e", "a".repeat(3_000), "**", "1e3")) {
                        Answer answer = watch(base, parameter, value);
                        sent++;
                        statuses.merge(answer.status() / 100 + "xx", 1, Integer::sum);
                        String problem = problemWith(answer, parameter);
                        if (problem != null) {
                            wrong.add(base + " /v1/watch " + parameter + "=" + abbreviate(value) + ": " + problem);
                        }
                    }
                }
            }
            System.out.println("every field, every type: " + sent + " requests, answers " + statuses);
            assertThat(wrong).as("answers that were a 5xx, not JSON, or a 400 that does not name the field").isEmpty();
            assertThat(sent).isGreaterThan(1_000);
            assertThat(http.get(node.apiUrl() + "/v1/health").status()).isEqualTo(200);
        }
    }

    /** Why an answer is wrong, or null. */
    private static String problemWith(Answer answer, String field) {
        if (answer.status() >= 500 || answer.status() < 200) {
            return "answered " + answer.status() + " " + abbreviate(answer.body());
        }
        if (answer.status() >= 400 && !answer.contentType().contains("json")) {
            return answer.status() + " without a JSON body (" + answer.contentType() + ")";
        }
        if (answer.status() == 400) {
            JsonNode errors;
            try {
                errors = JSON.readTree(answer.body()).path("errors");
            } catch (RuntimeException e) {
                return "400 whose body is not JSON: " + abbreviate(answer.body());
            }
            String name = field.substring(field.lastIndexOf('/') + 1);
            for (JsonNode error : errors) {
                String text = error.path("field").asString("") + " " + error.path("message").asString("");
                if (text.contains(name) || (name.matches("\\d+") && text.contains("[" + name + "]"))) {
                    return null;
                }
            }
            return "400 that does not name '" + name + "': " + abbreviate(answer.body());
        }
        return null;
    }

    /** The valid body with one field removed or replaced. */
    private static String vary(String valid, String field, String variant) {
        JsonNode root = JSON.readTree(valid);
        String[] steps = field.split("/");
        JsonNode parent = root;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(steps[i])) : parent.get(steps[i]);
        }
        String last = steps[steps.length - 1];
        JsonNode replacement = variant.equals("<missing>") ? null : JSON.readTree(variant);
        if (parent instanceof ArrayNode array) {
            int at = Integer.parseInt(last);
            if (replacement == null) {
                array.remove(at);
            } else {
                array.set(at, replacement);
            }
        } else {
            ObjectNode object = (ObjectNode) parent;
            if (replacement == null) {
                object.remove(last);
            } else {
                object.set(last, replacement);
            }
        }
        return JSON.writeValueAsString(root);
    }

    private static List<String> prefixed(String prefix, List<String> fields, String... more) {
        List<String> all = new ArrayList<>(List.of(more));
        fields.forEach(field -> all.add(prefix + field));
        return all;
    }

    private record Answer(int status, String contentType, String body) {}

    private Answer send(String base, String path, String body, boolean jsonLines) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestKeys.ADMIN)
                .header("Content-Type", jsonLines ? "application/x-ndjson" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonLines ? body + "\n" : body))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    /** A watch with one parameter varied; a feed that opens (200) is closed at once. */
    private Answer watch(String base, String parameter, String value) throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>(Map.of("concept_path", "fuzz/**", "from_index", "0"));
        if (value.equals("<missing>")) {
            parameters.remove(parameter);
        } else {
            parameters.put(parameter, value);
        }
        StringBuilder query = new StringBuilder();
        parameters.forEach((name, text) -> query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                .append(URLEncoder.encode(text, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/watch" + query)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestKeys.ADMIN).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String body;
        try (InputStream in = response.body()) {
            body = response.statusCode() == 200 ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…(" + text.length() + ")" : text;
    }
}
