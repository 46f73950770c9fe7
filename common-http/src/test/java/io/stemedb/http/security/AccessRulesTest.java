package io.stemedb.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.http.security.AccessRules.Access;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    private final AccessRules rules = new AccessRules(true);

    @Test
    void readsWritesAndAdminAreTold() {
        assertThat(rules.required("GET", "/v1/health")).isEqualTo(Access.OPEN);
        assertThat(rules.required("POST", "/v1/health")).isEqualTo(Access.WRITER);
        assertThat(rules.required("POST", "/v1/query")).isEqualTo(Access.READER);
        assertThat(rules.required("GET", "/v1/assertions/abc")).isEqualTo(Access.READER);
        assertThat(rules.required("POST", "/v1/assert/batch")).isEqualTo(Access.WRITER);
        assertThat(rules.required("GET", "/v1/admin/rate-limit")).as("admin before the GET read rule").isEqualTo(Access.ADMIN);
        assertThat(rules.required("POST", "/admin/cluster/remove")).isEqualTo(Access.ADMIN);
        assertThat(rules.required("POST", "/cluster/sync")).isEqualTo(Access.ADMIN);
        assertThat(rules.required("GET", "/cluster/sync/range")).isEqualTo(Access.ADMIN);
        assertThat(rules.required("GET", "/cluster/health")).isEqualTo(Access.OPEN);
        assertThat(rules.required("GET", "/cluster/members")).isEqualTo(Access.READER);
        assertThat(rules.required("GET", "/somewhere/else")).isEqualTo(Access.AUTHENTICATED);
        assertThat(rules.required("GET", "/error")).as("only error dispatches reach it").isEqualTo(Access.DENIED);
    }

    @Test
    void metricsCanBeClosed() {
        assertThat(rules.required("GET", "/metrics")).isEqualTo(Access.OPEN);
        AccessRules closed = new AccessRules(false);
        assertThat(closed.required("GET", "/metrics")).isEqualTo(Access.READER);
        assertThat(closed.required("GET", "/actuator/prometheus")).isEqualTo(Access.READER);
    }
}
