package io.stemedb.gateway.security;

import io.stemedb.http.security.ApiKeyAuthentication;
import io.stemedb.http.security.ApiPrincipal;
import io.stemedb.http.security.Role;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * Whom a request counts against for the per-agent limits and breakers. The header
 * {@code X-Agent-Id} cannot be trusted by itself: any client could drain another agent's bucket
 * or trip its breaker with it. So a key bound to one agent always counts as that agent; a key
 * without an agent counts as {@code key:<name>}; only keys that may act as any agent (admin, or
 * bound to {@code *} — pipelines writing for many agents) name the agent with the header.
 * Anonymous requests (the open endpoints) count against no agent.
 */
public final class RequestAgent {

    public static final String HEADER = "X-Agent-Id";
    /** Longer than any agent id the api accepts: such a header names no agent. */
    static final int MAX_HEADER_CHARACTERS = 256;

    private RequestAgent() {}

    /** The agent identity, or null for none. */
    public static String of(ServerRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof ApiKeyAuthentication key)) {
            return null;
        }
        ApiPrincipal principal = key.getPrincipal();
        boolean actsForAnyone = principal.has(Role.ADMIN) || ApiPrincipal.ANY_AGENT.equals(principal.agent());
        if (!actsForAnyone) {
            return principal.agent() != null ? principal.agent() : "key:" + principal.name();
        }
        String header = request.headers().firstHeader(HEADER);
        if (header != null && header.length() > MAX_HEADER_CHARACTERS) {
            return "key:" + principal.name();
        }
        return header == null || header.isBlank() ? null : header;
    }
}
