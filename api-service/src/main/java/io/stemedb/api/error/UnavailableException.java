package io.stemedb.api.error;

/**
 * The node cannot serve this request now (HTTP 503), for a reason a client or operator can act on.
 *
 * @see UnavailableReason
 */
public final class UnavailableException extends RuntimeException {

    private final UnavailableReason reason;
    private final int retryAfterSeconds;
    private final transient java.util.Map<String, Object> details;

    public UnavailableException(UnavailableReason reason, String message, int retryAfterSeconds) {
        this(reason, message, retryAfterSeconds, java.util.Map.of());
    }

    /** @param details extra members of the problem body ({@code primary}, {@code primary_address}, {@code ids}) */
    public UnavailableException(UnavailableReason reason, String message, int retryAfterSeconds,
            java.util.Map<String, Object> details) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = java.util.Map.copyOf(details);
    }

    public java.util.Map<String, Object> details() {
        return details;
    }

    public UnavailableReason reason() {
        return reason;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
