package io.stemedb.http.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.common.validation.QuotedInput;
import io.stemedb.http.problem.Problem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The 401 and 403 answers, as JSON problems like every other StemeDB error, each counted in
 * {@code stemedb_security_refusals_total{service, reason}}: {@code missing_credential},
 * {@code invalid_credential}, {@code forbidden_role}, {@code agent_mismatch}, and
 * {@code rejected_request} (the firewall's 400 for a hostile path).
 */
public final class SecurityProblems implements AuthenticationEntryPoint, AccessDeniedHandler,
        org.springframework.security.web.firewall.RequestRejectedHandler {

    public static final String MISSING = "missing_credential";
    public static final String INVALID = "invalid_credential";
    public static final String FORBIDDEN_ROLE = "forbidden_role";
    public static final String AGENT_MISMATCH = "agent_mismatch";
    public static final String REJECTED_REQUEST = "rejected_request";

    private final String service;
    private final MeterRegistry registry;
    private final AccessRules rules;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    public SecurityProblems(String service, MeterRegistry registry, AccessRules rules) {
        this.service = service;
        this.registry = registry;
        this.rules = rules;
        for (String reason : new String[] {MISSING, INVALID, FORBIDDEN_ROLE, AGENT_MISMATCH, REJECTED_REQUEST}) {
            counter(reason); // present at zero from the start, so alerts see the series
        }
    }

    /** No credential on a request that needs one. */
    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException cause)
            throws IOException {
        unauthorized(request, response, MISSING,
                "this endpoint needs a credential: 'Authorization: Bearer <key>' (see docs/security.md)");
    }

    /** A valid credential without the role the endpoint needs. */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException cause)
            throws IOException {
        write(request, response, HttpServletResponse.SC_FORBIDDEN, FORBIDDEN_ROLE,
                "this key's roles do not allow " + request.getMethod() + " " + request.getRequestURI()
                        + " (needs " + rules.required(request.getMethod(), request.getRequestURI()).name().toLowerCase(java.util.Locale.ROOT) + ")");
    }

    /**
     * A request Spring Security's firewall refuses before anything else runs (encoded or doubled
     * slashes, {@code ..}, {@code ;}, control characters in the path): 400, as JSON.
     */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response,
            org.springframework.security.web.firewall.RequestRejectedException cause) throws IOException {
        write(request, response, HttpServletResponse.SC_BAD_REQUEST, REJECTED_REQUEST,
                "the request's path or parameters are not allowed (" + QuotedInput.of(cause.getMessage()) + ")");
    }

    public void unauthorized(HttpServletRequest request, HttpServletResponse response, String reason, String detail)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"stemedb\"");
        write(request, response, HttpServletResponse.SC_UNAUTHORIZED, reason, detail);
    }

    /** Counts a refusal answered elsewhere (the api-service's agent check answers through its own handler). */
    public void count(String reason) {
        counter(reason).increment();
    }

    private void write(HttpServletRequest request, HttpServletResponse response, int status, String reason, String detail)
            throws IOException {
        count(reason);
        if (response.isCommitted()) {
            return;
        }
        Problem.of(status, detail).reason(reason).instance(request.getRequestURI()).writeTo(response);
    }

    private Counter counter(String reason) {
        return refusals.computeIfAbsent(reason, r -> Counter.builder("stemedb.security.refusals")
                .description("Requests refused for a missing or invalid credential, a missing role, or writing as another agent")
                .tag("service", service)
                .tag("reason", r)
                .register(registry));
    }
}
