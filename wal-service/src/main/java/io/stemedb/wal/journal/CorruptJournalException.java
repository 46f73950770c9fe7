package io.stemedb.wal.journal;

/** The journal on disk is not a sequence of intact entries; the service refuses to start on it. */
public final class CorruptJournalException extends RuntimeException {

    public CorruptJournalException(String message, Throwable cause) {
        super(message, cause);
    }

    public CorruptJournalException(String message) {
        super(message);
    }
}
