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
}
