package io.stemedb.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.http.security.ApiKeyAuthentication;
import io.stemedb.http.security.ApiPrincipal;
import io.stemedb.http.security.Role;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.function.ServerRequest;

class RequestAgentTest {

    @AfterEach
    void clear() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void theHeaderIsTrustedOnlyFromKeysThatActForAnyone() {
        ServerRequest claimsVictim = request("victim");

        as(new ApiPrincipal("w", EnumSet.of(Role.WRITER), "agent-w"));
        assertThat(RequestAgent.of(claimsVictim)).as("a bound key counts as its agent").isEqualTo("agent-w");

        as(new ApiPrincipal("dash", EnumSet.of(Role.READER), null));
        assertThat(RequestAgent.of(claimsVictim)).as("a key without an agent counts as itself").isEqualTo("key:dash");

        as(new ApiPrincipal("pipeline", EnumSet.of(Role.WRITER), "*"));
        assertThat(RequestAgent.of(claimsVictim)).isEqualTo("victim");
        as(new ApiPrincipal("ops", EnumSet.of(Role.ADMIN), null));
        assertThat(RequestAgent.of(claimsVictim)).isEqualTo("victim");
        assertThat(RequestAgent.of(request(null))).isNull();

        SecurityContextHolder.clearContext();
        assertThat(RequestAgent.of(claimsVictim)).as("anonymous requests count against no agent").isNull();
    }

    private static void as(ApiPrincipal principal) {
        SecurityContextHolder.getContext().setAuthentication(new ApiKeyAuthentication(principal));
    }

    private static ServerRequest request(String agentHeader) {
        MockHttpServletRequest servlet = new MockHttpServletRequest("GET", "/v1/health");
        if (agentHeader != null) {
            servlet.addHeader(RequestAgent.HEADER, agentHeader);
        }
        return ServerRequest.create(servlet, List.of());
    }
}
