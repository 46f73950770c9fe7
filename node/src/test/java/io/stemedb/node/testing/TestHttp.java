package io.stemedb.node.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small HTTP client for tests, with a timeout on every call. Sends {@link TestKeys#ADMIN} as
 * its bearer key unless made with another ({@link #withKey}, {@link #anonymous}).
 */
public final class TestHttp {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String defaultKey;

    public TestHttp() {
        this(TestKeys.ADMIN);
    }

    private TestHttp(String defaultKey) {
        this.defaultKey = defaultKey;
    }

    /** A client that sends {@code key} (null: no Authorization header). */
    public static TestHttp withKey(String key) {
        return new TestHttp(key);
    }

    public static TestHttp anonymous() {
        return new TestHttp(null);
    }

    /** A response with its body parsed as JSON (null when the body is not JSON). */
    public record Response(int status, HttpResponse<String> raw, JsonNode json) {}

    public Response postJson(String url, String body) throws IOException, InterruptedException {
        return post(url, body, "application/json");
    }

    public Response post(String url, String body, String contentType) throws IOException, InterruptedException {
        return post(url, body, contentType, defaultKey);
    }

    /** A POST with {@code Authorization: Bearer <token>} when the token is not null (not the default key). */
    public Response post(String url, String body, String contentType, String bearerToken)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return send(request.build());
    }

    public Response getWithToken(String url, String bearerToken) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("Authorization", "Bearer " + bearerToken)
                .GET().build());
    }

    public Response get(String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
        if (defaultKey != null) {
            request.header("Authorization", "Bearer " + defaultKey);
        }
        return send(request.build());
    }

    /** Any method, any body (null for none), {@code key} as bearer (null for none). */
    public Response send(String method, String url, String body, String contentType, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.contains("json") && !type.contains("ndjson")) {
            json = JSON.readTree(response.body());
        }
        return new Response(response.statusCode(), response, json);
    }

    /** Polls until the condition holds; fails the test if it does not within {@code timeout}. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** True when GET url answers 200; false on any error. */
    public boolean answersOk(String url) {
        try {
            return get(url).status() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
