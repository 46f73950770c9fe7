package io.stemedb.replication.consensus;

/** A node's part in the consensus, as {@code /v1/admin/cluster/status} reports it. */
public enum Role {
    /** Follows the primary of the current term and votes. */
    REPLICA,
    /** Asking whether it could win an election (pre-vote); its term is unchanged. */
    PRE_CANDIDATE,
    /** Campaigning in a new term. */
    CANDIDATE,
    /** The primary of the current term: the only node whose journal takes new records. */
    PRIMARY,
    /** In the configuration without a vote: receives the log, never campaigns. */
    LEARNER;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
