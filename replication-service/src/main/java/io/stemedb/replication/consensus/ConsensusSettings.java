package io.stemedb.replication.consensus;

/**
 * The consensus's tunables; the service's configuration maps the runbook keys onto them.
 *
 * @param writeQuorum        W, {@code replication.factor}: durable copies, the primary's
 *                           included, before an index commits; 1 to the number of voters
 * @param electionTimeoutMs  a replica that hears nothing from a primary for a random time in
 *                           [this, 2 × this) campaigns; a primary that has not heard from W voters
 *                           for this long steps down (check-quorum). Default 1000
 * @param heartbeatMs        how often a primary sends to each member when it has nothing else to
 *                           send; well below the election timeout. Default 100
 * @param maxEntriesPerAppend entries in one {@code Append}; default 512
 * @param maxInflightAppends  {@code Append}s a primary sends a replica ahead of its answers, once
 *                            the two logs are known to match; default 8
 * @param preVote            ask before campaigning (thesis §9.6); always on in a node, off only in
 *                           simulations that check the election rules without it; default true
 * @param rebaseMembers      send a {@code Rebase} to a member that needs entries the log no longer
 *                           holds; off where the journal cannot rebase yet (the member then waits,
 *                           as before); default true
 * @param promoteLearners    the primary makes a learner a voter once its log holds everything
 *                           committed (one change at a time, like any other); default true
 */
public record ConsensusSettings(int writeQuorum, long electionTimeoutMs, long heartbeatMs, int maxEntriesPerAppend,
        int maxInflightAppends, boolean preVote, boolean rebaseMembers, boolean promoteLearners) {

    public ConsensusSettings(int writeQuorum, long electionTimeoutMs, long heartbeatMs, int maxEntriesPerAppend,
            int maxInflightAppends, boolean preVote) {
        this(writeQuorum, electionTimeoutMs, heartbeatMs, maxEntriesPerAppend, maxInflightAppends, preVote, true, true);
    }

    public ConsensusSettings(int writeQuorum, long electionTimeoutMs, long heartbeatMs, int maxEntriesPerAppend,
            int maxInflightAppends, boolean preVote, boolean rebaseMembers) {
        this(writeQuorum, electionTimeoutMs, heartbeatMs, maxEntriesPerAppend, maxInflightAppends, preVote, rebaseMembers,
                true);
    }

    public ConsensusSettings {
        if (writeQuorum < 1) {
            throw new IllegalArgumentException("replication.factor must be at least 1, was " + writeQuorum);
        }
        if (heartbeatMs < 1 || electionTimeoutMs < 2 * heartbeatMs) {
            throw new IllegalArgumentException("the election timeout (" + electionTimeoutMs
                    + " ms) must be at least twice the heartbeat (" + heartbeatMs + " ms)");
        }
        if (maxEntriesPerAppend < 1 || maxInflightAppends < 1) {
            throw new IllegalArgumentException("maxEntriesPerAppend and maxInflightAppends must be at least 1");
        }
    }

    public static ConsensusSettings defaults(int writeQuorum) {
        return new ConsensusSettings(writeQuorum, 1000, 100, 512, 8, true);
    }
}
