package io.stemedb.common.cluster;

/** Operator actions on this node's membership (admin endpoints). */
public interface ClusterControl {

    /** What a removal did. */
    enum Removal { REMOVED, UNKNOWN_MEMBER, STILL_UP }

    /**
     * Declares a member DOWN and forgets it here; the others learn it by gossip. A member that is
     * UP is only removed with {@code force} (and will refute unless it is really gone).
     */
    Removal remove(String nodeId, boolean force);

    /** Closes the gossip socket and starts membership afresh (rejoining through the seeds). */
    void restartGossip();
}
