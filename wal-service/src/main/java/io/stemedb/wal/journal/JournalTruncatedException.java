package io.stemedb.wal.journal;

/**
 * Entries a reader had already returned were dropped from the journal (a replica's truncation):
 * what it delivered from {@code truncatedAt} on is no longer the journal's, so it must not go on
 * as if it were.
 */
public final class JournalTruncatedException extends RuntimeException {

    private final long truncatedAt;

    public JournalTruncatedException(long truncatedAt) {
        super("the journal was truncated at " + truncatedAt + ": entries from " + truncatedAt
                + " on that this stream delivered were dropped; read again from " + truncatedAt);
        this.truncatedAt = truncatedAt;
    }

    public long truncatedAt() {
        return truncatedAt;
    }
}
