package io.stemedb.wal.fencing;

/** A second, different vote in a term that already has one; nothing was changed. */
public final class VoteConflictException extends RuntimeException {

    public VoteConflictException(HardState recorded, String refused) {
        super("already voted for " + recorded.votedFor() + " in term " + recorded.term() + "; a vote for " + refused
                + " in the same term is refused (one vote per term)");
    }
}
