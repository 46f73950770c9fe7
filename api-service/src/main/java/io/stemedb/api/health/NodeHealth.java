package io.stemedb.api.health;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The node as a load balancer and an operator see it ({@code GET /v1/health}).
 *
 * @param status          healthy | starting | read_only | draining | unhealthy
 * @param detail          why, when not healthy
 * @param role            primary | replica | candidate | pre_candidate | learner, as the node's
 *                        consensus says (primary for a node without replication)
 * @param term            its current term
 * @param primary         the primary it knows of, or null
 */
public record NodeHealth(
        String status,
        @JsonInclude(JsonInclude.Include.NON_NULL) String detail,
        String nodeId,
        String role,
        long term,
        @JsonInclude(JsonInclude.Include.NON_NULL) String primary,
        long assertionCount,
        long appliedIndex,
        Wal wal) {

    public static final String HEALTHY = "healthy";
    public static final String STARTING = "starting";
    public static final String READ_ONLY = "read_only";
    public static final String UNHEALTHY = "unhealthy";
    /** Drained by an operator: otherwise healthy, but out of the load balancers' rotation. */
    public static final String DRAINING = "draining";

    @JsonIgnore
    public boolean isHealthy() {
        return HEALTHY.equals(status);
    }

    /**
     * @param reachable         the wal-service answered
     * @param writable          it accepts appends
     * @param lastDurableIndex  its last durable index (0 when unreachable)
     */
    public record Wal(boolean reachable, boolean writable, long lastDurableIndex) {}
}
