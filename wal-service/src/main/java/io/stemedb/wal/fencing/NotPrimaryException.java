package io.stemedb.wal.fencing;

/** A term-0 (primary's) entry reached a journal that is not in primary mode; nothing was written. */
public final class NotPrimaryException extends RuntimeException {

    public NotPrimaryException(long fencedTerm) {
        super("the journal is not in primary mode (fenced term " + fencedTerm + "); a term-0 entry is taken only"
                + " from the primary of the fenced term (SetPrimary)");
    }
}
