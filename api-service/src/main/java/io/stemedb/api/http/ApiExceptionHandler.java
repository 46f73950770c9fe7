package io.stemedb.api.http;

import io.stemedb.api.security.AgentMismatchException;
import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.ratelimit.RateLimitedException;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where the API's errors become HTTP: RFC 9457 problem documents.
 * <ul>
 *   <li>400 — {@code errors: [{field, message}]} naming every bad field;</li>
 *   <li>404 — the assertion (or other resource) named does not exist, {@code errors} names the field;</li>
 *   <li>403 — the key may not write as the body's {@code agent_id} ({@code reason: agent_mismatch});</li>
 *   <li>409 — lost a race with another writer, nothing changed;</li>
 *   <li>429 — over a write rate limit: {@code reason: rate_limited}, {@code scope} and {@code Retry-After};</li>
 *   <li>503 — {@code reason} (see {@code UnavailableReason}) and a {@code Retry-After} header;</li>
 *   <li>framework errors (405, 406, 415, 404…) — as problem documents too, via the base class.</li>
 * </ul>
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid request");
        List<Map<String, String>> errors = e.errors().stream()
                .map(ApiExceptionHandler::toJson)
                .toList();
        problem.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(problem);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not found");
        problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    @ExceptionHandler(AgentMismatchException.class)
    ResponseEntity<ProblemDetail> agentMismatch(AgentMismatchException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
        problem.setTitle("Forbidden");
        problem.setProperty("reason", "agent_mismatch");
        problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(problem);
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ConflictException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Conflict");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
        problem.setTitle("Too many requests");
        problem.setProperty("reason", "rate_limited");
        problem.setProperty("scope", e.scope());
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .body(problem);
    }

    @ExceptionHandler(UnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(UnavailableException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Service unavailable");
        problem.setProperty("reason", e.reason().wireName());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()))
                .body(problem);
    }

    private static Map<String, String> toJson(FieldError error) {
        return Map.of("field", error.field(), "message", error.message());
    }
}
