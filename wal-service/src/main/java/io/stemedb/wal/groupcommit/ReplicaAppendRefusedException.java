package io.stemedb.wal.groupcommit;

/** A replica append that does not fit the journal as it is; nothing was dropped or written. */
public final class ReplicaAppendRefusedException extends RuntimeException {

    public ReplicaAppendRefusedException(String message) {
        super(message);
    }
}
