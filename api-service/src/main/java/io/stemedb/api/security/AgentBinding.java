package io.stemedb.api.security;

import io.stemedb.common.validation.QuotedInput;
import io.stemedb.http.security.ApiKeyAuthentication;
import io.stemedb.http.security.ApiPrincipal;
import io.stemedb.http.security.SecurityProblems;
import io.stemedb.common.validation.AssertionRequestReader;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Binds the agent a record is written in the name of to the key that writes it: a writer key
 * bound to {@code pharma-bot} writes only as {@code pharma-bot}; admin keys and keys bound to
 * {@code *} write as anyone. A body without {@code agent_id} is written as the key's own agent.
 * Checked after the body is validated and before anything is stored; a mismatch is a 403 naming
 * the field, counted as {@code stemedb_security_refusals_total{reason="agent_mismatch"}}.
 */
public final class AgentBinding {

    private final SecurityProblems problems;

    public AgentBinding(SecurityProblems problems) {
        this.problems = problems;
    }

    /**
     * @param agentId the agent the body names ({@link AssertionRequestReader#DEFAULT_AGENT_ID} when it named none)
     * @param field   the body field, for the error ({@code agent_id}, {@code assertions[3].agent_id})
     * @return the agent to write as
     */
    public String resolve(String agentId, String field) {
        ApiPrincipal principal = currentPrincipal();
        String agent = agentFor(principal, agentId);
        if (agent == null) {
            problems.count(SecurityProblems.AGENT_MISMATCH);
            throw new AgentMismatchException(field, principal.agent() == null
                    ? "key '" + principal.name() + "' is not bound to an agent and cannot write as " + QuotedInput.of(agentId)
                    : "key '" + principal.name() + "' writes as '" + principal.agent() + "', not as " + QuotedInput.of(agentId));
        }
        return agent;
    }

    /**
     * The rule itself, without counting or refusing: the agent {@code principal} writes as when
     * the body names {@code agentId}, or null when it may not. Pure, so a caller may ask first and
     * leave the refusal to {@link #resolve}.
     */
    public static String agentFor(ApiPrincipal principal, String agentId) {
        boolean concreteAgent = principal.agent() != null && !ApiPrincipal.ANY_AGENT.equals(principal.agent());
        if (AssertionRequestReader.DEFAULT_AGENT_ID.equals(agentId) && concreteAgent) {
            return principal.agent();
        }
        return principal.mayActAs(agentId) ? agentId : null;
    }

    private static ApiPrincipal currentPrincipal() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof ApiKeyAuthentication key) {
            return key.getPrincipal();
        }
        // The access rules let no write through without a key; reaching here is a wiring bug.
        throw new IllegalStateException("a write reached the api without an authenticated key");
    }
}
