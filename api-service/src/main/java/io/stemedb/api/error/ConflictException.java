package io.stemedb.api.error;

/** The request lost a race with another writer and changed nothing (409); retrying is safe. */
public final class ConflictException extends RuntimeException {

    public ConflictException(String message) {
        super(message);
    }
}
