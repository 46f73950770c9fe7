package io.stemedb.wal.fencing;

import java.util.Objects;

/**
 * What the consensus must never forget: the highest term this node has seen and the candidate it
 * voted for in that term ({@code ""} for none). Raft's safety rests on both surviving a crash: a
 * node that forgot its vote could vote twice in one term, and two primaries could be elected.
 */
public record HardState(long term, String votedFor) {

    /** Longest candidate name recorded; a node id, not a payload. */
    public static final int MAX_VOTED_FOR_BYTES = 256;

    public static final HardState INITIAL = new HardState(0, "");

    public HardState {
        if (term < 0) {
            throw new IllegalArgumentException("term must not be negative");
        }
        Objects.requireNonNull(votedFor, "votedFor");
    }

    public boolean hasVote() {
        return !votedFor.isEmpty();
    }
}
