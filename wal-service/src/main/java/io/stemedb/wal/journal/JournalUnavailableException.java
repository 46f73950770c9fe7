package io.stemedb.wal.journal;

/**
 * The journal cannot make entries durable: an fsync failed, the disk is full or read-only, or the
 * journal is closed. Whatever the caller was appending was not acknowledged.
 */
public final class JournalUnavailableException extends RuntimeException {

    public JournalUnavailableException(String message) {
        super(message);
    }

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
