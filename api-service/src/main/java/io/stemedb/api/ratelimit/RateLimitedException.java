package io.stemedb.api.ratelimit;

/** A write over its rate limit (429); nothing was written. */
public final class RateLimitedException extends RuntimeException {

    private final String scope;
    private final long retryAfterSeconds;

    public RateLimitedException(String scope, long retryAfterSeconds, String message) {
        super(message);
        this.scope = scope;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** {@code node} (the node-wide write limit) or {@code agent} (the per-agent one). */
    public String scope() {
        return scope;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
