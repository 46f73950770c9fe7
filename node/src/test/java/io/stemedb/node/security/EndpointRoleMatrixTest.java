package io.stemedb.node.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.http.security.AccessRules.Access;
import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.RouteTables;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.node.testing.TestKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint × {no credential, wrong role, right role}, on both public ports. The endpoints
 * come from the running services' route tables (controllers and actuator), so a new endpoint
 * fails this test until it is classified in {@link #EXPECTED}; the expectation is written here,
 * independently of {@code AccessRules}, so a wrong rule fails too.
 */
class EndpointRoleMatrixTest {

    /** What each endpoint should need, by {@code METHOD pattern}. */
    private static final Map<String, Access> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /v1/health", Access.OPEN),
            Map.entry("GET /actuator/health", Access.OPEN),
            Map.entry("GET /actuator/health/**", Access.OPEN),
            Map.entry("GET /metrics", Access.OPEN),
            Map.entry("GET /actuator/prometheus", Access.OPEN),
            Map.entry("GET /actuator", Access.READER),
            Map.entry("GET /cluster/health", Access.OPEN),
            Map.entry("GET /cluster/members", Access.READER),
            Map.entry("POST /v1/query", Access.READER),
            Map.entry("GET /v1/assertions/{id}", Access.READER),
            Map.entry("GET /v1/watch", Access.READER),
            Map.entry("GET /v1/epochs", Access.READER),
            Map.entry("POST /v1/assert", Access.WRITER),
            Map.entry("POST /v1/assert/batch", Access.WRITER),
            Map.entry("POST /v1/vote", Access.WRITER),
            Map.entry("POST /v1/retract", Access.WRITER),
            Map.entry("POST /v1/epochs", Access.WRITER),
            Map.entry("POST /v1/admin/export-assertions", Access.ADMIN),
            Map.entry("POST /v1/admin/import-assertions", Access.ADMIN),
            Map.entry("POST /v1/admin/snapshot", Access.ADMIN),
            Map.entry("GET /v1/admin/rate-limit", Access.ADMIN),
            Map.entry("POST /v1/admin/rate-limit", Access.ADMIN),
            Map.entry("GET /v1/admin/circuit-breakers/tripped", Access.ADMIN),
            Map.entry("POST /v1/admin/circuit-breaker/reset", Access.ADMIN),
            Map.entry("GET /v1/admin/cluster/members", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/remove", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/learners", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/promote", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/join", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/restart-gossip", Access.ADMIN),
            Map.entry("GET /v1/admin/cluster/status", Access.ADMIN),
            Map.entry("GET /v1/admin/cluster/validate", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/demote", Access.ADMIN),
            Map.entry("POST /v1/admin/node/drain", Access.ADMIN),
            Map.entry("GET /v1/admin/node/drain", Access.ADMIN),
            Map.entry("POST /v1/admin/node/resume", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/merkle-diff", Access.ADMIN),
            Map.entry("POST /v1/admin/cluster/sync", Access.ADMIN),
            Map.entry("GET /v1/admin/cluster/sync", Access.ADMIN),
            Map.entry("POST /cluster/sync", Access.ADMIN),
            // Gateway routes that are not controllers: the runbooks' cluster admin path.
            Map.entry("POST /admin/cluster/remove", Access.ADMIN)));

    /** Routes served by a gateway route function rather than a controller (not in a handler mapping). */
    private static final List<String> GATEWAY_ROUTES = List.of("POST /admin/cluster/remove");

    @TempDir
    Path data;

    @Test
    void everyEndpointRefusesNoCredentialAndTheWrongRoleAndAdmitsTheRightOne() throws Exception {
        TestPrincipals.provision(data);
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("matrix", data, "127.0.0.1", FreePorts.forNode(), null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            List<String> api = RouteTables.routes(node.service("api-service"));
            List<String> gateway = RouteTables.routes(node.service("gateway-service"));
            List<String> unclassified = new ArrayList<>();
            for (String endpoint : new TreeSet<>(concat(api, gateway))) {
                if (!EXPECTED.containsKey(endpoint)) {
                    unclassified.add(endpoint);
                }
            }
            assertThat(unclassified).as("endpoints missing from the matrix: classify them in EXPECTED").isEmpty();
            assertThat(api).as("the api route table was read").contains("POST /v1/assert", "GET /metrics");

            List<String> checked = new ArrayList<>();
            for (String endpoint : api) {
                // Every api endpoint on its own port and, proxied, through the gateway's.
                check(node.apiUrl(), endpoint, checked);
                if (!endpoint.startsWith("GET /actuator") && !endpoint.equals("GET /metrics")) {
                    check(node.gatewayUrl(), endpoint, checked);
                }
            }
            for (String endpoint : concat(gateway, GATEWAY_ROUTES)) {
                check(node.gatewayUrl(), endpoint, checked);
            }
            assertThat(checked).hasSizeGreaterThan(2 * 20);
        }
    }

    private static void check(String base, String endpoint, List<String> checked) throws Exception {
        Access access = EXPECTED.get(endpoint);
        String method = endpoint.substring(0, endpoint.indexOf(' '));
        String url = base + concretePath(endpoint.substring(endpoint.indexOf(' ') + 1));
        String body = method.equals("POST") ? "{}" : null;
        String type = body == null ? null : "application/json";
        TestHttp http = new TestHttp();
        String at = endpoint + " on " + base;

        int anonymous = http.send(method, url, body, type, null).status();
        if (access == Access.OPEN) {
            assertThat(anonymous).as(at + " is open").isNotIn(401, 403);
            checked.add(at);
            return;
        }
        assertThat(anonymous).as(at + " without a credential").isEqualTo(401);
        assertThat(http.send(method, url, body, type, "not-a-key-of-this-node-at-all").status())
                .as(at + " with an unknown key").isEqualTo(401);
        assertThat(http.send(method, url, body, type, wrongKey(access)).status()).as(at + " with the wrong role").isEqualTo(403);
        assertThat(http.send(method, url, body, type, rightKey(access)).status()).as(at + " with the right role")
                .isNotIn(401, 403).isLessThan(500);
        if (endpoint.equals("POST /v1/admin/node/drain")) {
            // Drained, the node would refuse the client endpoints checked after this one.
            assertThat(http.send("POST", base + "/v1/admin/node/resume", "{}", type, TestKeys.ADMIN).status()).isEqualTo(200);
        }
        checked.add(at);
    }

    private static String wrongKey(Access access) {
        return switch (access) {
            case READER -> TestPrincipals.WRITER;
            case WRITER -> TestPrincipals.READER;
            case ADMIN -> TestPrincipals.READ_WRITE;
            default -> throw new IllegalArgumentException(access.name());
        };
    }

    private static String rightKey(Access access) {
        return switch (access) {
            case READER -> TestPrincipals.READER;
            case WRITER -> TestPrincipals.WRITER;
            case ADMIN -> TestKeys.ADMIN;
            default -> throw new IllegalArgumentException(access.name());
        };
    }

    private static String concretePath(String pattern) {
        return pattern.replace("{id}", "0".repeat(64)).replace("/**", "/liveness");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
