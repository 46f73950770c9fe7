package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.ClusterConfiguration;
import java.util.Map;

/**
 * An operator's change to the cluster's configuration, one member at a time: add a learner,
 * promote a learner to voter, or remove a member. {@link #next} works out the configuration it
 * asks for from the one in force, or says why there is nothing to propose.
 *
 * @param force for a removal: remove the member even though the primary still hears from it
 */
public record MembershipChange(Kind kind, String nodeId, boolean force) {

    public enum Kind { ADD_LEARNER, PROMOTE, REMOVE }

    /** What {@link #next} found: the configuration to propose, or the outcome without one. */
    public record Next(ClusterConfiguration configuration, Outcome.Status status, String detail) {}

    /**
     * @param silentForMs per member, how long since the primary last heard from it
     * @param liveWithinMs a member heard from within this is up: removing it needs {@code force}
     */
    public Next next(ClusterConfiguration current, Map<String, Long> silentForMs, long liveWithinMs) {
        return switch (kind) {
            case ADD_LEARNER -> current.isMember(nodeId)
                    ? new Next(null, Outcome.Status.ALREADY, nodeId + " is already a member")
                    : new Next(current.withLearner(nodeId, 1), Outcome.Status.PROPOSED, null);
            case PROMOTE -> !current.isMember(nodeId)
                    ? new Next(null, Outcome.Status.NOT_FOUND, nodeId + " is not a member of the cluster")
                    : current.isVoter(nodeId) ? new Next(null, Outcome.Status.ALREADY, nodeId + " is already a voter")
                    : new Next(current.withVoter(nodeId, current.priorityOf(nodeId)), Outcome.Status.PROPOSED, null);
            case REMOVE -> {
                if (!current.isMember(nodeId)) {
                    yield new Next(null, Outcome.Status.NOT_FOUND, nodeId + " is not a member of the cluster");
                }
                Long silent = silentForMs.get(nodeId);
                if (!force && silent != null && silent < liveWithinMs) {
                    yield new Next(null, Outcome.Status.REFUSED, nodeId + " is up (the primary heard from it " + silent
                            + " ms ago); pass \"force\": true to remove a member that is still running");
                }
                yield new Next(current.without(nodeId), Outcome.Status.PROPOSED, null);
            }
        };
    }

    /**
     * What became of a change: proposed (its configuration entry is on its way into the log; it
     * takes effect when committed), already so, no such member, refused (why in {@code detail}), or
     * not asked of a primary ({@code primaryId} names it when known).
     */
    public record Outcome(Status status, String detail, ClusterConfiguration configuration, String primaryId) {

        public enum Status { PROPOSED, ALREADY, NOT_FOUND, REFUSED, NOT_PRIMARY }
    }
}
