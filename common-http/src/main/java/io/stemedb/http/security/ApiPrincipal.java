package io.stemedb.http.security;

import java.util.Set;

/**
 * Who a request is, once its key is known.
 *
 * @param name   the key's name (for logs and metrics; never the key itself)
 * @param roles  effective roles (admin includes reader and writer)
 * @param agent  the agent id the key writes as; {@value #ANY_AGENT} for any agent (trusted
 *               ingest pipelines), null for keys that do not write
 */
public record ApiPrincipal(String name, Set<Role> roles, String agent) {

    public static final String ANY_AGENT = "*";

    public ApiPrincipal {
        roles = Set.copyOf(Role.effective(roles));
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** True when this key may write records in the name of {@code agentId}. */
    public boolean mayActAs(String agentId) {
        return has(Role.ADMIN) || ANY_AGENT.equals(agent) || (agent != null && agent.equals(agentId));
    }
}
