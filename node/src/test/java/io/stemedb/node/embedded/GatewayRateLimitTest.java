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
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The gateway's own request limits, per endpoint and per agent, over real HTTP. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayRateLimitTest {

    @TempDir
    Path data;

    private final TestHttp http = new TestHttp();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void endpointAndAgentLimitsAnswer429WithRetryAfter() throws Exception {
        NodePorts ports = FreePorts.forNode();
        int gatewayPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            gatewayPort = probe.getLocalPort();
        }
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("gl", data, "127.0.0.1", ports, null));
                ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayServiceApplication.class)
                        .web(WebApplicationType.SERVLET).bannerMode(Banner.Mode.OFF)
                        .run("--spring.config.name=" + GatewayServiceApplication.CONFIG_NAME, "--server.port=" + gatewayPort,
                                "--server.address=127.0.0.1", "--spring.grpc.server.enabled=false",
                                "--stemedb.gateway.api-uri=http://127.0.0.1:" + ports.api(),
                                "--stemedb.security.keys-file=" + data.resolve("keys"),
                                "--stemedb.gateway.rate-limits.per-endpoint[/v1/query]=3",
                                "--stemedb.gateway.rate-limits.per-agent=2")) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            String through = "http://127.0.0.1:" + gatewayPort;

            long started = System.nanoTime();
            int ok = 0;
            TestHttp.Response refused = null;
            for (int i = 0; i < 10; i++) {
                TestHttp.Response answer = http.postJson(through + "/v1/query", "{\"concept_path\":\"x\"}");
                if (answer.status() == 200) {
                    ok++;
                } else {
                    refused = answer;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(ok).as("3 per second for %.2f s", seconds).isBetween(3, 3 + (int) Math.ceil(seconds * 3) + 1);
            assertThat(refused).isNotNull();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().get("scope").stringValue()).isEqualTo("endpoint");
            assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(http.get(through + "/v1/health").status()).as("other endpoints are not limited").isEqualTo(200);

            long agentStarted = System.nanoTime();
            int agentOk = 0;
            int agentRefused = 0;
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(through + "/v1/health"))
                        .header("X-Agent-Id", "chatty").header("Authorization", "Bearer " + TestKeys.ADMIN).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    agentOk++;
                } else {
                    assertThat(answer.statusCode()).isEqualTo(429);
                    assertThat(answer.body()).contains("\"scope\":\"agent\"");
                    agentRefused++;
                }
            }
            double agentSeconds = (System.nanoTime() - agentStarted) / 1e9;
            assertThat(agentOk).isBetween(2, 2 + (int) Math.ceil(agentSeconds * 2) + 1);
            if (agentSeconds < 1) {
                assertThat(agentRefused).isPositive();
            }
        }
    }
}
