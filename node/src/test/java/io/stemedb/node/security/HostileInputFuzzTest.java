package io.stemedb.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.node.testing.TestKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 generated malformed or hostile requests against a real node, half through the gateway:
 * every answer is a 4xx with a JSON body (or a 2xx for the rare input that happens to be valid),
 * never a 5xx; the
 * node stays healthy, and data written before is answered exactly as before.
 */
class HostileInputFuzzTest {

    private static final int REQUESTS = 10_000;
    private static final int CLIENTS = 4;
    private static final long SEED = Long.getLong("stemedb.fuzz.seed", 20261126L);

    @TempDir
    Path data;

    @Test
    void hostileRequestsGetOnly4xxAndChangeNothingWrittenBefore() throws Exception {
        TestPrincipals.provision(data);
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("fuzz", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            TestHttp http = new TestHttp();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                TestHttp.Response written = http.postJson(node.apiUrl() + "/v1/assert", "{\"concept_path\":\"guarded/c" + (i % 4)
                        + "\",\"predicate\":\"p" + i + "\",\"value\":{\"n\":" + i + "},\"agent_id\":\"guard\",\"confidence\":0.5}");
                assertThat(written.status()).isEqualTo(201);
                ids.add(written.json().get("id").stringValue());
            }
            http.postJson(node.apiUrl() + "/v1/vote", "{\"assertion_id\":\"" + ids.get(0) + "\",\"agent_id\":\"guard\",\"weight\":1}");
            String before = snapshot(http, node, ids);

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            List<String> serverErrors = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> notJson = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    HostileInput input = new HostileInput(SEED + c);
                    clients.add(pool.submit(() -> {
                        for (int i = 0; i < REQUESTS / CLIENTS; i++) {
                            HostileInput.Request request = input.next();
                            String base = i % 2 == 0 ? node.apiUrl() : node.gatewayUrl();
                            Answer answer = send(client, base, request);
                            int status = answer.status();
                            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                            if (status >= 400 && status < 500 && !answer.contentType().contains("json")) {
                                notJson.add(status + " " + answer.contentType() + " for " + request.description() + ": "
                                        + request.method() + " " + abbreviate(request.path()));
                            }
                            if (status >= 500 || status < 200) {
                                serverErrors.add(status + " for " + request.description() + ": " + request.method() + " "
                                        + base + abbreviate(request.path()) + " "
                                        + abbreviate(request.body() == null ? "" : new String(request.body())));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> future : clients) {
                    future.get(10, java.util.concurrent.TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.println("fuzz seed " + SEED + ", answers by status: " + new TreeMap<>(statuses));
            assertThat(statuses.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(REQUESTS);
            assertThat(serverErrors).as("5xx answers (seed " + SEED + ")").isEmpty();
            assertThat(notJson).as("4xx answers without a JSON body (seed " + SEED + ")").isEmpty();

            TestHttp.Response health = http.get(node.apiUrl() + "/v1/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").stringValue()).isEqualTo("healthy");
            assertThat(http.get(node.gatewayUrl() + "/v1/health").status()).isEqualTo(200);
            assertThat(snapshot(http, node, ids)).as("data written before the fuzz").isEqualTo(before);
        }
    }

    /** Everything the guarded data answers: its history and each assertion by id. */
    private static String snapshot(TestHttp http, EmbeddedNode node, List<String> ids) throws Exception {
        StringBuilder answers = new StringBuilder();
        TestHttp.Response history = http.postJson(node.apiUrl() + "/v1/query",
                "{\"concept_path\":\"guarded/**\",\"lens\":\"history\",\"as_of_index\":21}");
        assertThat(history.status()).isEqualTo(200);
        answers.append(history.json().get("results").toString());
        for (String id : ids) {
            answers.append(http.get(node.apiUrl() + "/v1/assertions/" + id).raw().body());
        }
        return answers.toString();
    }

    /** A status and the answer's content type. */
    private record Answer(int status, String contentType) {}

    private static Answer send(HttpClient client, String base, HostileInput.Request request) {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(URI.create(base + request.path())).timeout(Duration.ofSeconds(30));
        } catch (IllegalArgumentException unsendable) {
            return new Answer(400, "json (not sent: no client could send this URI)");
        }
        if (request.contentType() != null) {
            builder.header("Content-Type", request.contentType());
        }
        if (request.key() != null) {
            builder.header("Authorization", "Bearer " + request.key());
        }
        builder.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        try {
            // A stream: a watch that happens to be valid answers 200 and would never end.
            HttpResponse<InputStream> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (!request.path().startsWith("/v1/watch")) {
                    body.readAllBytes();
                }
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            return new Answer(0, ""); // counted as a failure: the node dropped the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "");
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 160) + "…(" + text.length() + ")" : text;
    }
}
