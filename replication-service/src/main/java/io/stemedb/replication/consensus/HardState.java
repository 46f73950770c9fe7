package io.stemedb.replication.consensus;

/**
 * What must be on disk before any answer that depends on it (Raft §5.1, Figure 2): the current
 * term and the vote cast in it. The journal keeps it together with its fencing term, so the wal
 * refuses a deposed primary's appends in the same write that records the new term.
 *
 * @param votedFor the candidate voted for in {@code term}, or null
 */
public record HardState(long term, String votedFor) {

    public static final HardState INITIAL = new HardState(0, null);
}
