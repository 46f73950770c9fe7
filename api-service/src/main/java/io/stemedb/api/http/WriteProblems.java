package io.stemedb.api.http;

import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.ratelimit.RateLimitedException;
import io.stemedb.http.problem.Problem;

/**
 * The problem documents for what a write can meet once it is past validation: a rate limit, an
 * unavailable node (not the primary, replication timed out, the journal refused…), a lost race.
 * One mapping for both places that answer writes — {@link ApiExceptionHandler} behind the
 * framework and {@link DirectAssertFilter} ahead of it — so the two never answer differently.
 */
final class WriteProblems {

    private WriteProblems() {}

    static Problem rateLimited(RateLimitedException e) {
        return Problem.of(429, "Too many requests", e.getMessage())
                .reason("rate_limited")
                .with("scope", e.scope())
                .retryAfter(e.retryAfterSeconds());
    }

    static Problem unavailable(UnavailableException e) {
        Problem problem = Problem.of(503, "Service unavailable", e.getMessage())
                .reason(e.reason().wireName())
                .retryAfter(e.retryAfterSeconds())
                .header(ApiExceptionHandler.REASON_HEADER, e.reason().wireName());
        e.details().forEach(problem::with);
        Object primary = e.details().get("primary_address");
        if (primary != null) {
            problem.header(ApiExceptionHandler.PRIMARY_HEADER, primary.toString());
        }
        return problem;
    }

    static Problem conflict(ConflictException e) {
        return Problem.of(409, "Conflict", e.getMessage()).reason("conflict");
    }
}
