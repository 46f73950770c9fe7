package io.stemedb.api.error;

/**
 * The node cannot serve this request now (HTTP 503), for a reason a client or operator can act on.
 *
 * @see UnavailableReason
 */
public final class UnavailableException extends RuntimeException {

    private final UnavailableReason reason;
    private final int retryAfterSeconds;

    public UnavailableException(UnavailableReason reason, String message, int retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public UnavailableReason reason() {
        return reason;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
