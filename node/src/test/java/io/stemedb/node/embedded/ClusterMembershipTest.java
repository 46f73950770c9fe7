package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two embedded nodes in one JVM form a cluster over real UDP: the second joins through the first
 * (seeds), both list each other UP on the admin API and the gateway; when one leaves, the other
 * lists it DOWN.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterMembershipTest {

    @TempDir
    Path first;

    @TempDir
    Path second;

    private final TestHttp http = new TestHttp();

    @Test
    void twoNodesSeeEachOtherAndNoticeALeave() throws Exception {
        NodePorts portsA = FreePorts.forNode();
        try (EmbeddedNode a = start(new NodeSettings("alpha", first, "127.0.0.1", portsA, null))) {
            EmbeddedNode b = start(new NodeSettings("beta", second, "127.0.0.1", FreePorts.forNode(), null,
                    List.of("127.0.0.1:" + portsA.swim())));
            try {
                TestHttp.await("alpha lists beta UP", Duration.ofSeconds(30), () -> status(a, "beta").equals("UP"));
                TestHttp.await("beta lists alpha UP", Duration.ofSeconds(30), () -> status(b, "alpha").equals("UP"));
                // The gateway's list is streamed to it on each change: a moment behind the api's, never
                // a watch interval (SwimUdpLoopbackTest proves the list is published before the stream is told).
                TestHttp.await("the gateway lists both", Duration.ofSeconds(2),
                        () -> gatewayMembers(a) == 2);
                JsonNode viaGateway = http.get(a.gatewayUrl() + "/cluster/members").json();
                assertThat(viaGateway.get("members")).hasSize(2);
                assertThat(viaGateway.get("members").get(0).has("last_seen")).isTrue();
                TestHttp.Response health = http.get(a.gatewayUrl() + "/cluster/health");
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.json().get("status").stringValue()).isEqualTo("healthy");
                assertThat(health.json().get("quorum").asBoolean()).isTrue();
                assertThat(TestHttp.anonymous().get(a.apiUrl() + "/v1/admin/cluster/members").status()).as("admin only").isEqualTo(401);

                // Gossiped metadata: beta's assertion count reaches alpha; alpha measures beta's clock.
                http.postJson(b.apiUrl() + "/v1/assert", "{\"concept_path\":\"gossip/demo\",\"predicate\":\"p\",\"value\":1}");
                TestHttp.await("alpha learns beta's assertion count", Duration.ofSeconds(30),
                        () -> field(a, "beta", "assertion_count").equals("1"));
                TestHttp.await("alpha measures beta's clock offset", Duration.ofSeconds(30), () -> offset(a, "beta") != null);
                assertThat(Math.abs(offset(a, "beta"))).as("same machine, same clock").isLessThan(0.5);
            } finally {
                b.close();
            }
            TestHttp.await("alpha lists beta DOWN", Duration.ofSeconds(30), () -> status(a, "beta").equals("DOWN"));
            // Each is a cluster of one voter that gossips with the other: quorum is counted from the
            // voters, so alpha alone still has it (SplitShapeIT loses it by killing voters).
            TestHttp.Response alone = http.get(a.gatewayUrl() + "/cluster/health");
            assertThat(alone.status()).as(alone.raw().body()).isEqualTo(200);
            assertThat(alone.json().get("quorum").asBoolean()).isTrue();
            assertThat(alone.json().get("voters").asInt()).isEqualTo(1);
            assertThat(alone.json().get("members_up").asInt()).as("alpha; beta is DOWN").isEqualTo(1);
            assertThat(alone.json().get("members").asInt()).isEqualTo(2);

            // The runbook's removal, through the gateway path, admin only.
            String token = Files.readString(first.resolve("admin.token"), StandardCharsets.UTF_8).trim();
            String remove = "{\"node_id\":\"beta\",\"force\":false}";
            assertThat(TestHttp.anonymous().post(a.gatewayUrl() + "/admin/cluster/remove", remove, "application/json").status()).isEqualTo(401);
            TestHttp.Response removed = http.post(a.gatewayUrl() + "/admin/cluster/remove", remove, "application/json", token);
            assertThat(removed.status()).as(removed.raw().body()).isEqualTo(200);
            assertThat(status(a, "beta")).isEqualTo("absent");
            assertThat(http.post(a.apiUrl() + "/v1/admin/cluster/remove", remove, "application/json", token).status())
                    .as("unknown now").isEqualTo(404);
            TestHttp.Response restarted = http.post(a.apiUrl() + "/v1/admin/cluster/restart-gossip", "", "application/json", token);
            assertThat(restarted.status()).as(restarted.raw().body()).isEqualTo(200);
            assertThat(status(a, "alpha")).isEqualTo("UP");
        }
    }

    private int gatewayMembers(EmbeddedNode node) {
        try {
            return http.get(node.gatewayUrl() + "/cluster/members").json().get("members").size();
        } catch (Exception e) {
            return -1;
        }
    }

    private Double offset(EmbeddedNode node, String member) {
        try {
            String prefix = "stemedb_clock_offset_seconds{member=\"" + member + "\"} ";
            return http.get(node.apiUrl() + "/metrics").raw().body().lines().filter(line -> line.startsWith(prefix))
                    .map(line -> Double.parseDouble(line.substring(prefix.length()))).filter(value -> !value.isNaN())
                    .findFirst().orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    private String status(EmbeddedNode node, String member) {
        return field(node, member, "status");
    }

    private String field(EmbeddedNode node, String member, String field) {
        try {
            String token = Files.readString(node.settings().dataDirectory().resolve("admin.token"), StandardCharsets.UTF_8).trim();
            TestHttp.Response response = http.getWithToken(node.apiUrl() + "/v1/admin/cluster/members", token);
            for (JsonNode each : response.json().get("members")) {
                if (each.get("id").stringValue().equals(member)) {
                    return each.path(field).asString("absent");
                }
            }
            return "absent";
        } catch (Exception e) {
            return "error: " + e;
        }
    }

    private static EmbeddedNode start(NodeSettings settings) {
        EmbeddedNode node = TestKeys.start(settings);
        assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
        return node;
    }
}
