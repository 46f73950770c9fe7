package io.stemedb.wal.groupcommit;

/** The committer's queue is full; the append was not taken and may be retried later. */
public final class OverloadedException extends RuntimeException {

    public OverloadedException(String message) {
        super(message);
    }
}
