package io.stemedb.wal.fencing;

/** SetPrimary named a term other than the fenced one; primary mode is unchanged. */
public final class TermMismatchException extends RuntimeException {

    public TermMismatchException(long requested, long fencedTerm) {
        super("term " + requested + " is not the fenced term " + fencedTerm
                + "; primary mode is set only for the fenced term");
    }
}
