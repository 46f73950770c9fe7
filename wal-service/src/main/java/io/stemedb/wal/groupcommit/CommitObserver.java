package io.stemedb.wal.groupcommit;

/** What the committer reports about each fsync (for metrics). */
public interface CommitObserver {

    void committed(long fsyncNanos, int entries, long bytes);

    /** An fsync or a write failed; {@code segment} is the file being written. */
    void failed(String segment, Throwable cause);
}
