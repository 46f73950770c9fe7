package io.stemedb.wal.groupcommit;

/** What the committer reports about each fsync (for metrics). */
public interface CommitObserver {

    void committed(long fsyncNanos, int entries, long bytes);

    /** An fsync or a write failed; {@code segment} is the file being written. */
    void failed(String segment, Throwable cause);

    /** An attempt to bring the journal back after a failure succeeded ({@code true}) or not. */
    default void recoveryAttempted(boolean succeeded) {}

    /** A replica append completed: {@code entries} written (and durable), {@code dropped} truncated first. */
    default void replicaAppended(int entries, int dropped) {}

    /** Observes nothing (tools and tests). */
    CommitObserver NONE = new CommitObserver() {
        @Override
        public void committed(long fsyncNanos, int entries, long bytes) {}

        @Override
        public void failed(String segment, Throwable cause) {}
    };
}
