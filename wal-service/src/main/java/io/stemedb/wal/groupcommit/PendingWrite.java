package io.stemedb.wal.groupcommit;

/** Something waiting for the writer thread: appends (batched together) or a replica write (alone). */
interface PendingWrite {

    /** Completes the caller's future with {@code cause}; nothing of it was acknowledged. */
    void fail(Throwable cause);
}
