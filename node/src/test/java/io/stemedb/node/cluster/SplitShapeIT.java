package io.stemedb.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.testing.FailedRunLogs;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.NodeProcess;
import io.stemedb.node.testing.TestHttp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The split shape in one cluster with the embedded one: node1 and node2 are embedded nodes, node3
 * runs its five services as five processes from their own jars ({@link SplitNode}), so whatever it
 * knows of the cluster reached its api and gateway over gRPC. Writes through each of the three
 * gateways are acknowledged and read back on every node with {@code min_index}; node3's gateway
 * and api list the three members UP with one primary and report quorum from the three voters.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SplitShapeIT {

    private static final Duration START = Duration.ofSeconds(180);

    @TempDir
    Path base;

    @Test
    void aNodeRunAsSeparateServiceProcessesServesInOneClusterWithEmbeddedNodes() throws Exception {
        List<NodePorts> ports = List.of(FreePorts.forNode(), FreePorts.forNode(), FreePorts.forNode());
        Path modules = NodeProcess.jar().toAbsolutePath().getParent().getParent().getParent();
        try (LocalCluster cluster = LocalCluster.plan(NodeProcess.jar(), base, ports)) {
            cluster.start(0);
            cluster.start(1);
            try (SplitNode split = SplitNode.start(cluster, 2, modules)) {
                TestHttp http = TestHttp.withKey(cluster.adminKey());
                assertThat(cluster.awaitHealthy(START)).as(cluster::healthReport).isTrue();
                LocalCluster.Member node3 = cluster.member(2);
                for (LocalCluster.Member node : cluster.members()) {
                    // The gateway starts last, in an embedded node as in the split one.
                    TestHttp.await(node.nodeId() + "'s gateway answers", START,
                            () -> http.answersOk(node.gatewayUrl() + "/v1/health"));
                }
                TestHttp.await("one primary that all three nodes name", Duration.ofSeconds(60),
                        () -> agreedPrimary(cluster, http) != null);
                assertThat(split.allRunning()).as("node3's five processes").isTrue();

                long last = 0;
                for (int i = 0; i < 30; i++) {
                    LocalCluster.Member through = cluster.member(i % 3);
                    TestHttp.Response written = http.postJson(through.gatewayUrl() + "/v1/assert", WriteLoad.assertion("split", i));
                    assertThat(written.status()).as("through %s's gateway: %s", through.nodeId(), written.raw().body())
                            .isEqualTo(201);
                    last = Math.max(last, written.json().get("index").asLong());
                }
                for (LocalCluster.Member node : cluster.members()) {
                    TestHttp.Response read = http.postJson(node.apiUrl() + "/v1/query",
                            "{\"concept_path\":\"replicated/split\",\"lens\":\"history\",\"min_index\":" + last + "}");
                    assertThat(read.status()).as(read.raw().body()).isEqualTo(200);
                    assertThat(read.json().get("count").asInt()).as("what %s reads", node.nodeId()).isEqualTo(30);
                }

                String primary = agreedPrimary(cluster, http);
                TestHttp.await("node3's gateway lists three members UP", Duration.ofSeconds(60), () -> {
                    JsonNode members = getJson(http, node3.gatewayUrl() + "/cluster/members");
                    return members != null && countUp(members.path("members")) == 3;
                });
                JsonNode members = getJson(http, node3.gatewayUrl() + "/cluster/members").path("members");
                for (JsonNode member : members) {
                    assertThat(member.path("role").asString()).as(member.toString())
                            .isEqualTo(member.path("id").asString().equals(primary) ? "primary" : "replica");
                    assertThat(member.path("voter").asBoolean()).isTrue();
                }
                TestHttp.Response health = http.get(node3.gatewayUrl() + "/cluster/health");
                assertThat(health.status()).as(health.raw().body()).isEqualTo(200);
                assertThat(health.json().path("voters").asInt()).isEqualTo(3);
                assertThat(health.json().path("voters_up").asInt()).isEqualTo(3);
                assertThat(health.json().path("primary").asString()).isEqualTo(primary);

                TestHttp.await("node3's api lists its own 30 assertions among three members", Duration.ofSeconds(30), () -> {
                    JsonNode listed = getJson(http, node3.apiUrl() + "/v1/admin/cluster/members");
                    if (listed == null || listed.path("members").size() != 3) {
                        return false;
                    }
                    for (JsonNode member : listed.path("members")) {
                        if (member.path("id").asString().equals("node3")) {
                            return member.path("assertion_count").asLong() == 30;
                        }
                    }
                    return false;
                });

                // Quorum is counted from the voters: with both embedded nodes gone, node3 alone has none.
                cluster.kill(0);
                cluster.kill(1);
                TestHttp.await("node3's gateway reports no quorum", Duration.ofSeconds(60), () -> {
                    try {
                        TestHttp.Response lost = http.get(node3.gatewayUrl() + "/cluster/health");
                        return lost.status() == 503 && !lost.json().path("quorum").asBoolean()
                                && lost.json().path("voters").asInt() == 3 && lost.json().path("voters_up").asInt() == 1;
                    } catch (IOException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
            }
        } catch (Throwable failure) {
            FailedRunLogs.keep(base, "SplitShapeIT");
            throw failure;
        }
    }

    /** The primary every node's status names in one term, or null while they do not agree. */
    private static String agreedPrimary(LocalCluster cluster, TestHttp http) {
        String primary = null;
        for (LocalCluster.Member node : cluster.members()) {
            JsonNode status = getJson(http, node.apiUrl() + "/v1/admin/cluster/status");
            if (status == null || status.path("primary").asString("").isEmpty()) {
                return null;
            }
            String named = status.path("primary").asString();
            if (primary != null && !primary.equals(named)) {
                return null;
            }
            primary = named;
        }
        return primary;
    }

    private static int countUp(JsonNode members) {
        int up = 0;
        for (JsonNode member : members) {
            if ("UP".equals(member.path("status").asString(""))) {
                up++;
            }
        }
        return up;
    }

    private static JsonNode getJson(TestHttp http, String url) {
        try {
            TestHttp.Response answer = http.get(url);
            return answer.status() == 200 ? answer.json() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
