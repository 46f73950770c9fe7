package io.stemedb.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/assert} answers the same whether the api-service's direct filter takes it or the
 * framework does (the same request with an {@code Accept} list, which the filter hands on): status,
 * body, headers, refusal counters and the request timer's series. Which one answered shows in the
 * answer's framing — the filter sets a length, the framework streams — so each case also checks
 * that both paths really ran.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DirectAssertParityTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Headers that differ by nature between two answers (the clock, the framing). */
    private static final Set<String> PER_ANSWER = Set.of("date", "content-length", "transfer-encoding");

    @TempDir
    static Path data;

    private EmbeddedNode node;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private int sequence;

    @BeforeAll
    void start() {
        TestPrincipals.provision(data);
        node = TestKeys.start(new NodeSettings("direct", data, "127.0.0.1", FreePorts.forNode(), null));
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void newAndDuplicateWritesAnswerAlikeOnBothPaths() throws Exception {
        String first = assertion("parity/new", "bot", sequence++);
        Answer direct = send(first, TestKeys.ADMIN, true);
        String second = assertion("parity/new", "bot", sequence++);
        Answer framework = send(second, TestKeys.ADMIN, false);
        assertAlike(direct, framework, 201);
        assertThat(direct.json().get("duplicate").asBoolean()).isFalse();
        assertThat(direct.json().get("index").asLong()).isLessThan(framework.json().get("index").asLong());

        // The same content again, each through the other path: 200 duplicate, the stored id and index.
        Answer directAgain = send(second, TestKeys.ADMIN, true);
        Answer frameworkAgain = send(first, TestKeys.ADMIN, false);
        assertAlike(directAgain, frameworkAgain, 200);
        assertThat(directAgain.json().get("duplicate").asBoolean()).isTrue();
        assertThat(directAgain.json().get("id")).isEqualTo(framework.json().get("id"));
        assertThat(frameworkAgain.json().get("index")).isEqualTo(direct.json().get("index"));

        // Chunked, as the gateway proxies it: the filter takes it too.
        Answer chunked = send("/v1/assert", assertion("parity/chunked", "bot", sequence++), TestKeys.ADMIN, true, true);
        assertAlike(chunked, send(assertion("parity/chunked", "bot", sequence++), TestKeys.ADMIN, false), 201);

        // A writer key bound to its agent, with and without agent_id.
        assertAlike(send(assertion("parity/own", TestPrincipals.WRITER_AGENT, sequence++), TestPrincipals.WRITER, true),
                send(assertion("parity/own", TestPrincipals.WRITER_AGENT, sequence++), TestPrincipals.WRITER, false), 201);
        Answer implicit = send("{\"concept_path\":\"parity/implicit\",\"predicate\":\"p\",\"value\":1}", TestPrincipals.WRITER,
                true);
        assertThat(implicit.status()).isEqualTo(201);
        Answer stored = get("/v1/assertions/" + implicit.json().get("id").stringValue());
        assertThat(stored.json().get("agent_id").stringValue()).isEqualTo(TestPrincipals.WRITER_AGENT);
    }

    @Test
    void refusalsAnswerAndCountAlikeOnBothPaths() throws Exception {
        double mismatches = metric("stemedb_security_refusals_total{reason=\"agent_mismatch\",service=\"api-service\"}");
        Answer direct = send(assertion("parity/theirs", "someone-else", 1), TestPrincipals.WRITER, true);
        Answer framework = send(assertion("parity/theirs", "someone-else", 1), TestPrincipals.WRITER, false);
        assertAlikeRefusal(direct, framework, 403, "agent_mismatch");
        assertThat(direct.json().get("errors").get(0).get("field").stringValue()).isEqualTo("agent_id");
        assertThat(metric("stemedb_security_refusals_total{reason=\"agent_mismatch\",service=\"api-service\"}"))
                .as("each refusal counted once").isEqualTo(mismatches + 2);

        String invalid = "{\"concept_path\":\"parity/invalid\",\"value\":1,\"agent_id\":\"bot\"}";
        Answer directInvalid = send(invalid, TestKeys.ADMIN, true);
        assertAlikeRefusal(directInvalid, send(invalid, TestKeys.ADMIN, false), 400, "invalid_request");
        assertThat(directInvalid.json().get("errors").get(0).get("field").stringValue()).isEqualTo("predicate");

        String valid = assertion("parity/refused", "bot", 1);
        assertAlikeRefusal(send(valid, TestPrincipals.READER, true), send(valid, TestPrincipals.READER, false), 403,
                "forbidden_role");
        assertAlikeRefusal(send(valid, "not-a-key-0123456789abcdefghijklmnopqrstu", true),
                send(valid, "not-a-key-0123456789abcdefghijklmnopqrstu", false), 401, "invalid_credential");
        assertThat(query("parity/refused")).as("nothing refused was stored").isZero();
        assertThat(query("parity/theirs")).isZero();
    }

    @Test
    void aRateLimitedWriteAnswersAndIsTimedAlikeOnBothPaths() throws Exception {
        Answer set = sendTo("/v1/admin/rate-limit", "{\"max_assertions_per_sec\":0,\"max_assertions_per_sec_per_agent\":1}",
                TestKeys.ADMIN, true);
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        try {
            String series = "http_server_requests_seconds_count{error=\"none\",exception=\"none\",method=\"POST\","
                    + "outcome=\"CLIENT_ERROR\",status=\"429\",uri=\"/v1/assert\"}";
            double limitedBefore = prometheus(series);
            send(assertion("parity/limited", "limited", sequence++), TestKeys.ADMIN, true);
            Answer direct = send(assertion("parity/limited", "limited", sequence++), TestKeys.ADMIN, true);
            Answer framework = send(assertion("parity/limited", "limited", sequence++), TestKeys.ADMIN, false);
            assertAlikeRefusal(direct, framework, 429, "rate_limited");
            assertThat(direct.json().get("scope").stringValue()).isEqualTo("agent");
            assertThat(direct.headers().firstValue("Retry-After")).isEqualTo(framework.headers().firstValue("Retry-After"));
            assertThat(prometheus(series)).as("both 429s in one series: the same tags").isEqualTo(limitedBefore + 2);
        } finally {
            sendTo("/v1/admin/rate-limit", "{\"max_assertions_per_sec\":0,\"max_assertions_per_sec_per_agent\":0}",
                    TestKeys.ADMIN, true);
        }
        String created = "http_server_requests_seconds_count{error=\"none\",exception=\"none\",method=\"POST\","
                + "outcome=\"SUCCESS\",status=\"201\",uri=\"/v1/assert\"}";
        double before = prometheus(created);
        send(assertion("parity/timed", "bot", sequence++), TestKeys.ADMIN, true);
        send(assertion("parity/timed", "bot", sequence++), TestKeys.ADMIN, false);
        assertThat(prometheus(created)).as("a direct write is timed in the framework's series").isEqualTo(before + 2);
    }

    /** Same status, same headers, same body members (values may differ: other records). */
    private static void assertAlike(Answer direct, Answer framework, int status) {
        assertThat(direct.status()).as(direct.body()).isEqualTo(status);
        assertThat(framework.status()).as(framework.body()).isEqualTo(status);
        assertAnsweredBy(direct, framework);
        assertThat(direct.comparableHeaders()).isEqualTo(framework.comparableHeaders());
        assertThat(fieldNames(direct.json())).isEqualTo(fieldNames(framework.json()));
        assertThat(direct.json().get("term")).isEqualTo(framework.json().get("term"));
    }

    /** A refusal: the same status, headers and problem document, field for field. */
    private static void assertAlikeRefusal(Answer direct, Answer framework, int status, String reason) {
        assertThat(direct.status()).as(direct.body()).isEqualTo(status);
        assertThat(framework.status()).as(framework.body()).isEqualTo(status);
        assertThat(direct.json().get("reason").stringValue()).isEqualTo(reason);
        assertThat(direct.comparableHeaders()).isEqualTo(framework.comparableHeaders());
        assertThat(direct.json()).isEqualTo(framework.json());
    }

    /**
     * The body with a length goes to the filter, which answers with a length when it writes; the
     * chunked one to the framework, which streams. (A refusal the filter hands on is the
     * framework's answer on both sides, so refusals are compared without this check.)
     */
    private static void assertAnsweredBy(Answer direct, Answer framework) {
        assertThat(direct.headers().firstValue("Content-Length")).as("the direct filter answered").isPresent();
        assertThat(framework.headers().firstValue("Transfer-Encoding")).as("the framework answered").hasValue("chunked");
    }

    private static Set<String> fieldNames(JsonNode json) {
        Set<String> names = new java.util.TreeSet<>();
        json.properties().forEach(property -> names.add(property.getKey()));
        return names;
    }

    /** {@code direct}: as most clients send it; otherwise with an {@code Accept} list the filter leaves to the framework. */
    private Answer send(String body, String key, boolean direct) throws Exception {
        return send("/v1/assert", body, key, direct, false);
    }

    private Answer sendTo(String path, String body, String key, boolean direct) throws Exception {
        return send(path, body, key, direct, false);
    }

    private Answer send(String path, String body, String key, boolean direct, boolean chunked) throws Exception {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(body))
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.apiUrl() + path))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(publisher);
        if (!direct) {
            request.header("Accept", "application/json, application/problem+json");
        }
        return answer(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Answer get(String path) throws Exception {
        return answer(client.send(HttpRequest.newBuilder(URI.create(node.apiUrl() + path)).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + TestKeys.ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString()));
    }

    private int query(String conceptPath) throws Exception {
        return sendTo("/v1/query", "{\"concept_path\":\"" + conceptPath + "\",\"lens\":\"history\"}", TestKeys.ADMIN, true)
                .json().get("count").asInt();
    }

    private double metric(String series) throws Exception {
        return value(get("/metrics").body(), series);
    }

    private double prometheus(String series) throws Exception {
        String page = get("/actuator/prometheus").body();
        return page.contains(series + " ") ? value(page, series) : 0;
    }

    private static double value(String page, String series) {
        for (String line : page.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series);
    }

    private static Answer answer(HttpResponse<String> response) {
        String type = response.headers().firstValue("Content-Type").orElse("");
        return new Answer(response.statusCode(), response.headers(), response.body(),
                type.contains("json") ? JSON.readTree(response.body()) : null);
    }

    private static String assertion(String conceptPath, String agent, int value) {
        return "{\"concept_path\":\"" + conceptPath + "\",\"predicate\":\"p\",\"value\":" + value + ",\"agent_id\":\"" + agent
                + "\"}";
    }

    private record Answer(int status, HttpHeaders headers, String body, JsonNode json) {
        Map<String, java.util.List<String>> comparableHeaders() {
            Map<String, java.util.List<String>> kept = new TreeMap<>();
            headers.map().forEach((name, values) -> {
                if (!PER_ANSWER.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    kept.put(name.toLowerCase(java.util.Locale.ROOT), values);
                }
            });
            return kept;
        }
    }
}
