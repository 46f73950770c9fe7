package io.stemedb.wal.fencing;

/** An append carried a term below the one the wal-service is fenced at; nothing was written. */
public final class StaleTermException extends RuntimeException {

    private final long entryTerm;
    private final long fencedTerm;

    public StaleTermException(long entryTerm, long fencedTerm) {
        super("entry term " + entryTerm + " is below the fenced term " + fencedTerm
                + "; a newer primary has been elected");
        this.entryTerm = entryTerm;
        this.fencedTerm = fencedTerm;
    }

    public long entryTerm() {
        return entryTerm;
    }

    public long fencedTerm() {
        return fencedTerm;
    }
}
