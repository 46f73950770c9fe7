package io.stemedb.wal.journal;

/** A journal document whose bytes are not an intact entry frame. */
public final class CorruptEntryException extends RuntimeException {

    public CorruptEntryException(String message) {
        super(message);
    }
}
