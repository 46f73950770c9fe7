package io.stemedb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.node.testing.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A node on its own is a cluster of one: its own primary within moments of starting, with the
 * consensus's admin endpoints in the runbooks' shapes, and a forced demote it recovers from by
 * itself (the lone voter elects itself again).
 */
class ConsensusAdminTest {

    @TempDir
    Path data;

    @Test
    void aLoneNodeIsItsOwnPrimaryAndAForcedDemoteElectsItAgain() throws Exception {
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("solo", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            TestHttp http = new TestHttp();
            JsonNode status = http.get(node.apiUrl() + "/v1/admin/cluster/status").json();
            assertThat(status.get("role").stringValue()).isEqualTo("primary");
            assertThat(status.get("primary").stringValue()).isEqualTo("solo");
            assertThat(status.get("voters").toString()).isEqualTo("[\"solo\"]");
            long term = status.get("term").asLong();
            assertThat(term).isPositive();

            JsonNode validation = http.get(node.apiUrl() + "/v1/admin/cluster/validate").json();
            assertThat(validation.get("primaries").asInt()).isEqualTo(1);
            assertThat(validation.get("unreachable").asInt()).isZero();

            TestHttp.Response refused = http.postJson(node.apiUrl() + "/v1/admin/cluster/demote", "{\"force\":\"yes\"}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").stringValue()).isEqualTo("force");
            assertThat(http.postJson(node.apiUrl() + "/v1/admin/cluster/demote", "{}").status())
                    .as("no replica to hand over to, no force").isEqualTo(409);

            TestHttp.Response demoted = http.postJson(node.apiUrl() + "/v1/admin/cluster/demote", "{\"force\":true}");
            assertThat(demoted.status()).isEqualTo(200);
            TestHttp.await("the lone voter primary again, in a later term", Duration.ofSeconds(20), () -> {
                try {
                    JsonNode now = http.get(node.apiUrl() + "/v1/admin/cluster/status").json();
                    return now.get("role").stringValue().equals("primary") && now.get("term").asLong() > term;
                } catch (Exception e) {
                    return false;
                }
            });
            TestHttp.Response written = http.postJson(node.apiUrl() + "/v1/assert",
                    "{\"concept_path\":\"solo/x\",\"predicate\":\"p\",\"value\":1}");
            TestHttp.await("writes taken again", Duration.ofSeconds(10), () -> {
                try {
                    return http.postJson(node.apiUrl() + "/v1/assert", "{\"concept_path\":\"solo/x\",\"predicate\":\"p\",\"value\":1}")
                            .status() < 300;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(written.status()).isLessThan(600);
        }
    }

    /**
     * A drained lone node: nobody to hand the primary role to (said so), out of rotation (health,
     * readiness, client requests 503 {@code draining}, the direct write path included), admin
     * endpoints and metrics still served; resumed, it takes writes again.
     */
    @Test
    void aDrainedNodeRefusesClientsAndSaysSoUntilResumed() throws Exception {
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("drained", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            TestHttp http = new TestHttp();
            String write = "{\"concept_path\":\"drain/x\",\"predicate\":\"p\",\"value\":1}";
            assertThat(http.postJson(node.apiUrl() + "/v1/assert", write).status()).isEqualTo(201);

            TestHttp.Response refused = http.postJson(node.apiUrl() + "/v1/admin/node/drain", "{\"now\":true}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("errors").get(0).get("field").stringValue()).isEqualTo("now");
            assertThat(http.get(node.apiUrl() + "/v1/health").status()).as("a refused drain drains nothing").isEqualTo(200);

            TestHttp.Response drained = http.postJson(node.apiUrl() + "/v1/admin/node/drain", "");
            assertThat(drained.status()).as(drained.raw().body()).isEqualTo(200);
            assertThat(drained.json().get("draining").asBoolean()).isTrue();
            assertThat(drained.json().get("role").stringValue()).isEqualTo("primary");
            assertThat(drained.json().get("detail").stringValue()).contains("no other voter");
            assertThat(drained.json().get("campaigning").asBoolean()).isFalse();

            TestHttp.Response health = http.get(node.apiUrl() + "/v1/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").stringValue()).isEqualTo("draining");
            assertThat(http.get(node.apiUrl() + "/actuator/health/readiness").status()).isEqualTo(503);
            assertThat(http.get(node.gatewayUrl() + "/v1/health").status()).as("through the gateway").isEqualTo(503);
            for (String url : new String[] {node.apiUrl(), node.gatewayUrl()}) {
                TestHttp.Response answer = http.postJson(url + "/v1/assert", write);
                assertThat(answer.status()).as(url).isEqualTo(503);
                assertThat(answer.json().get("reason").stringValue()).isEqualTo("draining");
                assertThat(answer.raw().headers().firstValue("Retry-After")).isPresent();
            }
            assertThat(http.postJson(node.apiUrl() + "/v1/query", "{\"concept_path\":\"drain/x\"}").status()).isEqualTo(503);
            assertThat(http.get(node.apiUrl() + "/v1/admin/cluster/status").status()).isEqualTo(200);
            assertThat(http.get(node.apiUrl() + "/v1/admin/node/drain").json().get("draining").asBoolean()).isTrue();
            String metrics = http.get(node.apiUrl() + "/metrics").raw().body();
            assertThat(metrics).contains("stemedb_node_draining 1.0").containsPattern("stemedb_node_drain_refused_total [1-9]");

            TestHttp.Response resumed = http.postJson(node.apiUrl() + "/v1/admin/node/resume", "");
            assertThat(resumed.status()).isEqualTo(200);
            assertThat(resumed.json().get("draining").asBoolean()).isFalse();
            assertThat(resumed.json().get("campaigning").asBoolean()).isTrue();
            assertThat(http.get(node.apiUrl() + "/v1/health").status()).isEqualTo(200);
            assertThat(http.postJson(node.apiUrl() + "/v1/assert", write.replace("\"value\":1", "\"value\":2")).status())
                    .isEqualTo(201);
        }
    }
}
