package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.gateway.GatewayServiceApplication;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Circuit breaking with a real downstream going away: a gateway in front of a node whose services
 * are stopped answers 503 at once with {@code circuit_open} after a few failures (no pile-up of
 * timeouts), and closes again by itself once the node is back. The breakers of an embedded node
 * live in its one registry, which the api port's admin endpoints list and reset.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CircuitBreakerTest {

    @TempDir
    Path downstreamData;

    @TempDir
    Path nodeData;

    private final TestHttp http = new TestHttp();

    @Test
    void aDeadDownstreamTripsTheBreakerAndARestartClosesIt() throws Exception {
        NodePorts downstreamPorts = FreePorts.forNode();
        EmbeddedNode downstream = start(new NodeSettings("down", downstreamData, "127.0.0.1", downstreamPorts, null));
        int gatewayPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            gatewayPort = probe.getLocalPort();
        }
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayServiceApplication.class)
                .web(WebApplicationType.SERVLET).bannerMode(Banner.Mode.OFF)
                .run("--spring.config.name=" + GatewayServiceApplication.CONFIG_NAME, "--server.port=" + gatewayPort,
                        "--server.address=127.0.0.1", "--spring.grpc.server.enabled=false",
                        "--stemedb.security.keys-file=" + downstreamData.resolve("keys"),
                        // The node's own services, not whatever listens on the default ports.
                        "--spring.grpc.client.channel.replication.target=static://127.0.0.1:" + downstreamPorts.rpc(),
                        "--spring.grpc.client.channel.membership.target=static://127.0.0.1:" + downstreamPorts.swim(),
                        "--stemedb.gateway.api-uri=http://127.0.0.1:" + downstreamPorts.api())) {
            String through = "http://127.0.0.1:" + gatewayPort;
            assertThat(write(through, 0).status()).isEqualTo(201);

            downstream.close();
            int unreachable = 0;
            TestHttp.Response last = null;
            for (int i = 1; i <= 30; i++) {
                last = write(through, i);
                assertThat(last.status()).isEqualTo(503);
                if ("downstream_unreachable".equals(last.json().get("reason").stringValue())) {
                    unreachable++;
                }
            }
            assertThat(unreachable).as("the first failures reach the dead downstream, then the breaker trips").isBetween(5, 20);
            assertThat(last.json().get("reason").stringValue()).isEqualTo("circuit_open");
            assertThat(last.raw().headers().firstValue("Retry-After")).isPresent();
            long started = System.nanoTime();
            assertThat(write(through, 99).status()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("an open breaker answers at once").isLessThan(Duration.ofSeconds(1));

            downstream = start(new NodeSettings("down", downstreamData, "127.0.0.1", downstreamPorts, null));
            TestHttp.await("the breaker closes again after the downstream is back", Duration.ofSeconds(60), () -> {
                try {
                    return write(through, (int) (System.nanoTime() % 1_000_000)).status() == 201;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            downstream.close();
        }
    }

    @Test
    void theGatewaysBreakersAreListedAndResetOnItsPortAndTheApiPortHasItsOwn() throws Exception {
        try (EmbeddedNode node = start(new NodeSettings("cb", nodeData, "127.0.0.1", FreePorts.forNode(), null))) {
            String token = Files.readString(nodeData.resolve("admin.token"), StandardCharsets.UTF_8).trim();
            // A request through the gateway on behalf of an agent creates that agent's breaker.
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(node.gatewayUrl() + "/v1/health")).header("X-Agent-Id", "agent-7")
                    .header("Authorization", "Bearer " + TestKeys.ADMIN).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);

            for (String port : List.of(node.apiUrl(), node.gatewayUrl())) {
                TestHttp.Response tripped = http.getWithToken(port + "/v1/admin/circuit-breakers/tripped", token);
                assertThat(tripped.status()).as(port + ": " + tripped.raw().body()).isEqualTo(200);
                assertThat(tripped.json().get("tripped")).isEmpty();
                assertThat(TestHttp.anonymous().get(port + "/v1/admin/circuit-breakers/tripped").status())
                        .as("admin only on " + port).isEqualTo(401);
            }
            TestHttp.Response reset = http.post(node.gatewayUrl() + "/v1/admin/circuit-breaker/reset",
                    "{\"agent_id\":\"agent-7\"}", "application/json", token);
            assertThat(reset.status()).as("the gateway's breaker, reset on the gateway's port: %s", reset.raw().body())
                    .isEqualTo(200);
            assertThat(reset.json().get("name").stringValue()).isEqualTo("agent:agent-7");
            assertThat(reset.json().get("state").stringValue()).isEqualTo("CLOSED");
            assertThat(http.post(node.apiUrl() + "/v1/admin/circuit-breaker/reset", "{\"agent_id\":\"agent-7\"}",
                    "application/json", token).status()).as("the api-service has no gateway breakers").isEqualTo(404);
            TestHttp.Response unknown = http.post(node.gatewayUrl() + "/v1/admin/circuit-breaker/reset",
                    "{\"agent_id\":\"nobody\"}", "application/json", token);
            assertThat(unknown.status()).as("passed on to the api-service, which has none either").isEqualTo(404);
            TestHttp.Response bad = http.post(node.gatewayUrl() + "/v1/admin/circuit-breaker/reset",
                    "{\"agent_id\":7}", "application/json", token);
            assertThat(bad.status()).as("bad input judged by the api-service: %s", bad.raw().body()).isEqualTo(400);
            assertThat(bad.raw().body()).contains("agent_id");
        }
    }

    private TestHttp.Response write(String base, int value) throws Exception {
        return http.postJson(base + "/v1/assert", "{\"concept_path\":\"breaker/c\",\"predicate\":\"p\",\"value\":" + value + "}");
    }

    private static EmbeddedNode start(NodeSettings settings) {
        EmbeddedNode node = TestKeys.start(settings);
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        return node;
    }
}
