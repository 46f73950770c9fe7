package io.stemedb.api.http;

import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.ratelimit.RateLimitedException;
import io.stemedb.api.security.AgentMismatchException;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.http.problem.Problem;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where the API's errors become HTTP: problem documents built by {@link Problem}.
 * <ul>
 *   <li>400 — {@code reason: invalid_request}, {@code errors: [{field, message}]} naming every bad field;</li>
 *   <li>404 — the assertion (or other resource) named does not exist, {@code errors} names the field;</li>
 *   <li>403 — the key may not write as the body's {@code agent_id} ({@code reason: agent_mismatch});</li>
 *   <li>409 — lost a race with another writer, nothing changed;</li>
 *   <li>429 — over a write rate limit: {@code reason: rate_limited}, {@code scope} and {@code Retry-After};</li>
 *   <li>503 — {@code reason} (see {@code UnavailableReason}) and a {@code Retry-After} header;</li>
 *   <li>framework errors (405, 406, 415, 404…) — as problem documents too, via the base class, with
 *       their detail capped like every other.</li>
 * </ul>
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    /** On a {@code not_primary} 503: where the primary's api is (the gateway resends there once). */
    public static final String PRIMARY_HEADER = "X-StemeDB-Primary";
    /**
     * On every 503 of this node's own: its {@code reason} ({@code not_primary},
     * {@code replication_timeout}…), so that a proxy can tell them apart without reading the body
     * (the gateway waits out an election only for {@code not_primary}).
     */
    public static final String REASON_HEADER = "X-StemeDB-Reason";

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
        return Problem.of(400, "Invalid request", e.getMessage())
                .reason("invalid_request")
                .errors(e.errors())
                .toResponseEntity();
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        return Problem.of(404, "Not found", e.getMessage())
                .reason("not_found")
                .errors(List.of(new FieldError(e.field(), e.getMessage())))
                .toResponseEntity();
    }

    @ExceptionHandler(AgentMismatchException.class)
    ResponseEntity<ProblemDetail> agentMismatch(AgentMismatchException e) {
        return Problem.of(403, "Forbidden", e.getMessage())
                .reason("agent_mismatch")
                .errors(List.of(new FieldError(e.field(), e.getMessage())))
                .toResponseEntity();
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ConflictException e) {
        return WriteProblems.conflict(e).toResponseEntity();
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e) {
        return WriteProblems.rateLimited(e).toResponseEntity();
    }

    @ExceptionHandler(UnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(UnavailableException e) {
        return WriteProblems.unavailable(e).toResponseEntity();
    }

    /** Spring's own errors (unsupported method or media type, unreadable body…), in the same shape. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        String detail = body instanceof ProblemDetail problem && problem.getDetail() != null ? problem.getDetail()
                : "the request could not be handled";
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known != null ? known.name().toLowerCase(java.util.Locale.ROOT) : "request_not_handled";
        ProblemDetail capped = Problem.of(status.value(), detail).reason(reason).toProblemDetail();
        return ResponseEntity.status(status).headers(headers).body(capped);
    }
}
