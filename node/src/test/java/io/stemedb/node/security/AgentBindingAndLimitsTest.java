package io.stemedb.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.http.security.KeyDigest;
import io.stemedb.http.security.KeyEntry;
import io.stemedb.http.security.KeysFile;
import io.stemedb.http.security.Role;
import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.node.testing.TestKeys;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Writes are bound to the key's agent; oversized or over-deep input is refused before any work. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentBindingAndLimitsTest {

    private static final String JSON = "application/json";

    @TempDir
    static Path data;
    @TempDir
    static Path config;

    private EmbeddedNode node;
    private final TestHttp http = new TestHttp();

    @BeforeAll
    void start() throws Exception {
        TestPrincipals.provision(data);
        Files.writeString(config.resolve("api-service.yml"), """
                stemedb.api.limits:
                  max-request-body: 64KB
                  max-uri-length: 1024
                stemedb.api.watch.heartbeat: 500ms
                stemedb.security.reload-interval: 200ms
                """);
        Files.writeString(config.resolve("gateway-service.yml"), """
                stemedb.gateway:
                  max-request-body: 64KB
                  max-uri-length: 1024
                stemedb.security.reload-interval: 200ms
                """);
        node = TestKeys.start(new NodeSettings("bind", data, "127.0.0.1", FreePorts.forNode(), config));
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aWriterKeyWritesOnlyAsItsOwnAgent() throws Exception {
        for (String base : new String[] {node.apiUrl(), node.gatewayUrl()}) {
            TestHttp.Response own = post(base, "/v1/assert", assertion("bind/own", "agent-w"), TestPrincipals.WRITER);
            assertThat(own.status()).as(own.raw().body()).isIn(200, 201); // 200: the same content again on the second port

            TestHttp.Response other = post(base, "/v1/assert", assertion("bind/other", "someone-else"), TestPrincipals.WRITER);
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.json().get("reason").stringValue()).isEqualTo("agent_mismatch");
            assertThat(other.json().get("errors").get(0).get("field").stringValue()).isEqualTo("agent_id");

            TestHttp.Response batch = post(base, "/v1/assert/batch", "{\"assertions\":[" + assertion("bind/b1", "agent-w") + ","
                    + assertion("bind/b2", "intruder") + "]}", TestPrincipals.WRITER);
            assertThat(batch.status()).isEqualTo(403);
            assertThat(batch.json().get("errors").get(0).get("field").stringValue()).isEqualTo("assertions[1].agent_id");

            TestHttp.Response admin = post(base, "/v1/assert", assertion("bind/admin-as-anyone", "someone-else"), TestKeys.ADMIN);
            assertThat(admin.status()).as("admin writes in any name").isIn(200, 201);
        }
        // Nothing of the refused batch was stored (all or none).
        TestHttp.Response b1 = post(node.apiUrl(), "/v1/query", "{\"concept_path\":\"bind/b1\",\"lens\":\"history\"}", TestPrincipals.READER);
        assertThat(b1.json().get("count").asInt()).isZero();

        // Without agent_id a bound key writes as its own agent.
        TestHttp.Response implicit = post(node.apiUrl(), "/v1/assert",
                "{\"concept_path\":\"bind/implicit\",\"predicate\":\"p\",\"value\":1}", TestPrincipals.WRITER);
        assertThat(implicit.status()).isEqualTo(201);
        TestHttp.Response read = http.get(node.apiUrl() + "/v1/assertions/" + implicit.json().get("id").stringValue());
        assertThat(read.json().get("agent_id").stringValue()).isEqualTo("agent-w");

        // Votes and retractions are bound the same way.
        String id = implicit.json().get("id").stringValue();
        TestHttp.Response vote = post(node.apiUrl(), "/v1/vote",
                "{\"assertion_id\":\"" + id + "\",\"agent_id\":\"someone-else\",\"weight\":1}", TestPrincipals.WRITER);
        assertThat(vote.status()).isEqualTo(403);
        TestHttp.Response ownVote = post(node.apiUrl(), "/v1/vote", "{\"assertion_id\":\"" + id + "\",\"weight\":1}",
                TestPrincipals.WRITER);
        assertThat(ownVote.status()).isEqualTo(201);
        assertThat(ownVote.json().get("agent_id").stringValue()).isEqualTo("agent-w");
        TestHttp.Response retract = post(node.apiUrl(), "/v1/retract",
                "{\"assertion_id\":\"" + id + "\",\"agent_id\":\"someone-else\"}", TestPrincipals.WRITER);
        assertThat(retract.status()).isEqualTo(403);

        assertThat(metric("stemedb_security_refusals_total{reason=\"agent_mismatch\",service=\"api-service\"}"))
                .isGreaterThanOrEqualTo(6);
    }

    @Test
    void oversizedBodiesAndUrisAreRefusedBeforeWork() throws Exception {
        String big = "{\"concept_path\":\"limits/big\",\"predicate\":\"p\",\"value\":\"" + "x".repeat(70_000) + "\"}";
        for (String base : new String[] {node.apiUrl(), node.gatewayUrl()}) {
            TestHttp.Response declared = post(base, "/v1/assert", big, TestKeys.ADMIN);
            assertThat(declared.status()).as(base).isEqualTo(413);
            assertThat(declared.json().get("reason").stringValue()).isEqualTo("body_too_large");

            // Chunked: no Content-Length, the limit is found by reading.
            HttpResponse<String> chunked = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/assert")).timeout(Duration.ofSeconds(15))
                            .header("Content-Type", JSON).header("Authorization", "Bearer " + TestKeys.ADMIN)
                            .POST(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).as("chunked on " + base).isEqualTo(413);

            TestHttp.Response longUri = http.get(base + "/v1/watch?concept_path=" + "a/".repeat(600) + "b");
            assertThat(longUri.status()).isEqualTo(414);
            assertThat(longUri.json().get("reason").stringValue()).isEqualTo("uri_too_long");

            String deep = "{\"concept_path\":\"limits/deep\",\"predicate\":\"p\",\"value\":" + "[".repeat(100) + "]".repeat(100) + "}";
            TestHttp.Response tooDeep = post(base, "/v1/assert", deep, TestKeys.ADMIN);
            assertThat(tooDeep.status()).isEqualTo(400);

            TestHttp.Response bigLimit = post(base, "/v1/query", "{\"concept_path\":\"limits\",\"limit\":1000000}", TestKeys.ADMIN);
            assertThat(bigLimit.status()).isEqualTo(400);
            assertThat(bigLimit.json().get("errors").get(0).get("field").stringValue()).isEqualTo("limit");
        }
        // A chunked body under the limit still arrives whole.
        String small = "{\"concept_path\":\"limits/small\",\"predicate\":\"p\",\"value\":\"" + "y".repeat(1000) + "\"}";
        HttpResponse<String> chunkedSmall = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(node.gatewayUrl() + "/v1/assert")).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", JSON).header("Authorization", "Bearer " + TestKeys.ADMIN)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(
                                () -> new ByteArrayInputStream(small.getBytes(StandardCharsets.UTF_8))))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunkedSmall.statusCode()).as(chunkedSmall.body()).isEqualTo(201);
        assertThat(metric("stemedb_requests_too_large_total{limit=\"body\",service=\"api-service\"}")).isGreaterThanOrEqualTo(2);
        assertThat(metric("stemedb_requests_too_large_total{limit=\"body\",service=\"gateway-service\"}")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void keysAddedToTheKeysFileWorkWithoutARestartAndRevokedOnesStop() throws Exception {
        String original = Files.readString(data.resolve("keys"));
        String key = addReaderKey("late");
        String query = "{\"concept_path\":\"bind/own\"}";
        for (String base : new String[] {node.apiUrl(), node.gatewayUrl()}) {
            TestHttp.await("the added key works on " + base, Duration.ofSeconds(20),
                    () -> status(base, query, key) == 200);
        }
        restoreKeys(original, Duration.ofSeconds(5));
        for (String base : new String[] {node.apiUrl(), node.gatewayUrl()}) {
            TestHttp.await("the revoked key is refused on " + base, Duration.ofSeconds(20),
                    () -> status(base, query, key) == 401);
        }
        assertThat(status(node.apiUrl(), query, TestPrincipals.READER)).as("the other keys stay").isEqualTo(200);
    }

    @Test
    void aWatchFeedEndsWhenTheKeyThatOpenedItIsRevoked() throws Exception {
        String original = Files.readString(data.resolve("keys"));
        String key = addReaderKey("watcher");
        TestHttp.await("the watcher's key works", Duration.ofSeconds(20),
                () -> status(node.apiUrl(), "{\"concept_path\":\"x\"}", key) == 200);
        HttpResponse<java.util.stream.Stream<String>> feed = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(node.apiUrl() + "/v1/watch?concept_path=bind/**"))
                        .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(feed.statusCode()).isEqualTo(200);
        java.util.Iterator<String> lines = feed.body().iterator();
        assertThat(lines.next()).startsWith(":watching");

        restoreKeys(original, Duration.ofSeconds(7));
        java.util.concurrent.CompletableFuture<String> last = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            String lastLine = null;
            while (lines.hasNext()) {
                String line = lines.next();
                if (!line.isEmpty()) {
                    lastLine = line;
                }
            }
            return lastLine;
        });
        String ending = last.get(30, java.util.concurrent.TimeUnit.SECONDS);
        feed.body().close();
        assertThat(ending).as("the feed ends, saying why").isEqualTo(":credential revoked");
    }

    /** Appends a new reader key (no agent) to the node's keys file; returns the key. */
    private static String addReaderKey(String name) throws Exception {
        String key = KeyDigest.generateKey();
        KeysFile.append(data.resolve("keys"), new KeyEntry(name, EnumSet.of(Role.READER), null, KeyDigest.sha256Hex(key)));
        return key;
    }

    /**
     * Puts the keys file back as it was, dated {@code ahead} into the future so the node's reload,
     * which looks at the modification time, sees a change even within the clock's resolution.
     */
    private static void restoreKeys(String original, Duration ahead) throws Exception {
        Path keys = data.resolve("keys");
        Files.writeString(keys, original);
        Files.setLastModifiedTime(keys, FileTime.from(Instant.now().plus(ahead)));
    }

    private int status(String base, String query, String key) {
        try {
            return post(base, "/v1/query", query, key).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private TestHttp.Response post(String base, String path, String body, String key) throws Exception {
        return http.send("POST", base + path, body, JSON, key);
    }

    private static String assertion(String concept, String agent) {
        return "{\"concept_path\":\"" + concept + "\",\"predicate\":\"p\",\"value\":1,\"agent_id\":\"" + agent + "\"}";
    }

    /**
     * Refusals are counted in StemeDB's own series on both ports, and Spring Security's
     * per-filter observations stay off (they cost about a third of a proxied write's CPU on the
     * gateway; docs/benchmarks.md).
     */
    @Test
    void refusalsAreCountedWithoutSpringSecurityObservations() throws Exception {
        for (String base : new String[] {node.apiUrl(), node.gatewayUrl()}) {
            assertThat(TestHttp.anonymous().send("POST", base + "/v1/assert", assertion("obs/a", "agent-w"), JSON, null)
                    .status()).isEqualTo(401);
            assertThat(post(base, "/v1/assert", assertion("obs/b", "agent-w"), TestPrincipals.WRITER).status()).isIn(200, 201);
        }
        String scrape = http.get(node.apiUrl() + "/metrics").raw().body();
        String gatewayScrape = http.get(node.gatewayUrl() + GATEWAY_METRICS).raw().body();
        assertThat(scrape).contains("stemedb_security_refusals_total{reason=\"missing_credential\",service=\"api-service\"}");
        assertThat(gatewayScrape).contains("stemedb_security_refusals_total{reason=\"missing_credential\",service=\"gateway-service\"}");
        assertThat(scrape.lines().filter(line -> line.startsWith("spring_security_"))).isEmpty();
        assertThat(gatewayScrape.lines().filter(line -> line.startsWith("spring_security_"))).isEmpty();
    }

    /** The gateway's meters are on its own port; the api's /metrics is the node's internal services'. */
    private static final String GATEWAY_METRICS = "/actuator/prometheus";

    private double metric(String series) throws Exception {
        String page = series.contains("service=\"gateway-service\"") ? node.gatewayUrl() + GATEWAY_METRICS
                : node.apiUrl() + "/metrics";
        for (String line : http.get(page).raw().body().split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series);
    }
}
