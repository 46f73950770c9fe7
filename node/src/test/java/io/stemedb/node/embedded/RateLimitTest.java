package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write rate limit: set through the gateway, seen and enforced on the api port too (one
 * limit per node, whichever port a write arrives on); over it, 429 with Retry-After and a JSON
 * reason; per-agent limits leave other agents alone.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RateLimitTest {

    @TempDir
    Path data;

    private final TestHttp http = new TestHttp();
    private int sequence;

    @Test
    void oneWriteLimitForBothPortsChangeableAtRunTime() throws Exception {
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("rl", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            String token = Files.readString(data.resolve("admin.token"), StandardCharsets.UTF_8).trim();
            String api = node.apiUrl();
            String gateway = node.gatewayUrl();

            assertThat(TestHttp.anonymous().post(api + "/v1/admin/rate-limit", "{\"max_assertions_per_sec\":5}", "application/json")
                    .status()).as("admin only").isEqualTo(401);
            assertThat(http.post(api + "/v1/admin/rate-limit", "{\"max_assertions_per_sec\":-1}", "application/json", token)
                    .status()).isEqualTo(400);
            TestHttp.Response set = http.post(gateway + "/v1/admin/rate-limit", "{\"max_assertions_per_sec\":5}",
                    "application/json", token);
            assertThat(set.status()).as(set.raw().body()).isEqualTo(200);
            assertThat(http.getWithToken(api + "/v1/admin/rate-limit", token).json().get("max_assertions_per_sec").asLong())
                    .as("the same limit on the api port").isEqualTo(5);

            long burstStarted = System.nanoTime();
            int created = 0;
            int refusedOnApi = 0;
            int refusedOnGateway = 0;
            for (int i = 0; i < 20; i++) {
                String port = i % 2 == 0 ? api : gateway;
                TestHttp.Response written = write(port, "writer");
                if (written.status() == 201) {
                    created++;
                } else {
                    assertThat(written.status()).isEqualTo(429);
                    assertThat(written.json().get("reason").stringValue()).isEqualTo("rate_limited");
                    assertThat(written.json().get("scope").stringValue()).isEqualTo("node");
                    assertThat(Long.parseLong(written.raw().headers().firstValue("Retry-After").orElseThrow())).isPositive();
                    if (port.equals(api)) {
                        refusedOnApi++;
                    } else {
                        refusedOnGateway++;
                    }
                }
            }
            double seconds = (System.nanoTime() - burstStarted) / 1e9;
            assertThat(created).as("one second's worth, plus what refilled in %.2f s", seconds)
                    .isBetween(5, 5 + (int) Math.ceil(seconds * 5) + 1);
            assertThat(refusedOnApi).isPositive();
            assertThat(refusedOnGateway).isPositive();

            http.post(api + "/v1/admin/rate-limit", "{\"max_assertions_per_sec\":0,\"max_assertions_per_sec_per_agent\":2}",
                    "application/json", token);
            long greedyStarted = System.nanoTime();
            int greedy = 0;
            for (int i = 0; i < 6; i++) {
                greedy += write(api, "greedy").status() == 201 ? 1 : 0;
            }
            double greedySeconds = (System.nanoTime() - greedyStarted) / 1e9;
            assertThat(greedy).isBetween(2, Math.min(5, 2 + (int) Math.ceil(greedySeconds * 2) + 1));
            TestHttp.Response other = write(gateway, "polite");
            assertThat(other.status()).as("another agent is not held back").isEqualTo(201);
            TestHttp.Response agentRefused = write(api, "greedy");
            if (agentRefused.status() == 429) {
                assertThat(agentRefused.json().get("scope").stringValue()).isEqualTo("agent");
            }

            http.post(api + "/v1/admin/rate-limit", "{\"max_assertions_per_sec\":0,\"max_assertions_per_sec_per_agent\":0}",
                    "application/json", token);
            for (int i = 0; i < 20; i++) {
                assertThat(write(gateway, "greedy").status()).isEqualTo(201);
            }
        }
    }

    private TestHttp.Response write(String base, String agent) throws Exception {
        return http.postJson(base + "/v1/assert", "{\"concept_path\":\"limits/c\",\"predicate\":\"p\",\"value\":" + sequence++
                + ",\"agent_id\":\"" + agent + "\"}");
    }
}
