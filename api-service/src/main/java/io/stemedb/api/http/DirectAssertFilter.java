package io.stemedb.api.http;

import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.ratelimit.RateLimitedException;
import io.stemedb.api.security.AgentBinding;
import io.stemedb.api.write.AssertionWriter;
import io.stemedb.api.write.WriteRequests;
import io.stemedb.api.write.Written;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.http.body.ReadAheadRequest;
import io.stemedb.http.problem.Problem;
import io.stemedb.http.security.AccessRules;
import io.stemedb.http.security.ApiPrincipal;
import io.stemedb.http.security.BearerKeyFilter;
import io.stemedb.http.security.KeyRing;
import io.stemedb.http.limits.RequestLimitsFilter;
import io.stemedb.http.security.Role;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.CacheControlHeadersWriter;
import org.springframework.security.web.header.writers.HstsHeaderWriter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.header.writers.XXssProtectionHeaderWriter;
import org.springframework.security.web.header.writers.frameoptions.XFrameOptionsHeaderWriter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/assert} in its common form, answered ahead of the framework: a JSON body within
 * the limit (with a {@code Content-Length}, or chunked as the gateway sends it), a bearer key with
 * the role the access table asks for, an {@code agent_id} that key may write as. That request is
 * most of a node's traffic, and the framework's dispatch around it (the security filter chain, handler mapping, content negotiation,
 * message conversion) cost about as much CPU as the write itself (docs/benchmarks.md).
 *
 * <p>Not a second write path: the body is read by the same {@link WriteRequests}, the agent bound
 * by the same {@link AgentBinding} rule, the write done by the same {@link AssertionWriter}, the
 * answer serialized from the same {@link AssertController.Stored} by the application's JSON
 * mapper, with the headers Spring Security's default header writers add, and timed by the same
 * {@code http.server.requests} observation (this filter runs inside it and names its URI). Errors
 * after the write began (rate limit, unavailable, conflict) use {@link WriteProblems}, the mapping
 * {@link ApiExceptionHandler} uses.
 *
 * <p>Everything else — no key or a key that is not valid, a key without the role, another media
 * type or {@code Accept}, an empty or oversized body, a query string, an invalid body, an agent the
 * key may not write as — goes on to the framework as it arrived (the bytes already read handed on
 * by {@link ReadAheadRequest}), which answers and counts it as before. Those checks are pure, so
 * deciding twice changes nothing; the only side effects (the rate limit, the journal) happen once, here.
 * {@code stemedb.api.direct-writes=false} sends every write through the framework.
 *
 * <p>A check later added to writes in the framework (an interceptor, a filter after this one: a
 * drain, say) must be made here too, or this filter must hand such requests on;
 * {@code DirectAssertParityTest} compares the two paths case by case. A drained node hands every
 * write on (its drain gate answers).
 */
public final class DirectAssertFilter implements Filter {

    /** The one path it answers (its registration maps it to nothing else). */
    public static final String PATH = "/v1/assert";

    private final KeyRing keys;
    private final Role required;
    private final WriteRequests requests;
    private final AssertionWriter writer;
    private final JsonMapper json;
    private final long maxBodyBytes;
    private final BooleanSupplier draining;
    private final List<HeaderWriter> securityHeaders = List.of(new XContentTypeOptionsHeaderWriter(),
            new XXssProtectionHeaderWriter(), new CacheControlHeadersWriter(), new HstsHeaderWriter(),
            new XFrameOptionsHeaderWriter());

    /**
     * @param rules        the access table: the role {@code POST /v1/assert} needs is read from it, so
     *                     the two never disagree (a table that made it open or admin-only would send
     *                     every write to the framework)
     * @param maxBodyBytes the request-body limit; larger bodies go to the framework, which refuses them
     */
    public DirectAssertFilter(KeyRing keys, AccessRules rules, WriteRequests requests, AssertionWriter writer,
            JsonMapper json, long maxBodyBytes) {
        this(keys, rules, requests, writer, json, maxBodyBytes, () -> false);
    }

    /**
     * @param draining true while the node is drained: every request then goes on to the framework,
     *                 whose drain gate refuses it (one place decides what a drain refuses)
     */
    public DirectAssertFilter(KeyRing keys, AccessRules rules, WriteRequests requests, AssertionWriter writer,
            JsonMapper json, long maxBodyBytes, BooleanSupplier draining) {
        this.draining = draining;
        this.keys = keys;
        this.required = rules.required("POST", PATH) == AccessRules.Access.WRITER ? Role.WRITER : null;
        this.requests = requests;
        this.writer = writer;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        ApiPrincipal principal = eligible(request);
        if (principal == null) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        // Chunked (the gateway proxies so): read one byte past the limit at most; over it, the
        // request limits refuse it as they would have.
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8,
                declared >= 0 ? declared : maxBodyBytes + 1));
        if (body.length == 0 || body.length > maxBodyBytes) {
            chain.doFilter(new ReadAheadRequest(request, body), response);
            return;
        }
        AssertionContent content;
        try {
            content = requests.assertion(body);
        } catch (InvalidRequestException e) {
            chain.doFilter(new ReadAheadRequest(request, body), response);
            return;
        }
        String agent = AgentBinding.agentFor(principal, content.agentId());
        if (agent == null) {
            chain.doFilter(new ReadAheadRequest(request, body), response);
            return;
        }
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(PATH));
        Written<Assertion> written;
        try {
            written = writer.write(content.withAgentId(agent));
        } catch (RateLimitedException e) {
            answer(request, response, WriteProblems.rateLimited(e));
            return;
        } catch (UnavailableException e) {
            answer(request, response, WriteProblems.unavailable(e));
            return;
        } catch (ConflictException e) {
            answer(request, response, WriteProblems.conflict(e));
            return;
        }
        byte[] answer = json.writeValueAsBytes(AssertController.Stored.of(written));
        writeSecurityHeaders(request, response);
        response.setStatus(written.created() ? HttpServletResponse.SC_CREATED : HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }

    /** The key's principal when this request is one this filter answers, null to hand it on. */
    private ApiPrincipal eligible(HttpServletRequest request) {
        if (required == null || !"POST".equals(request.getMethod()) || !PATH.equals(request.getRequestURI())
                || request.getQueryString() != null || draining.getAsBoolean()) {
            return null;
        }
        long length = request.getContentLengthLong();
        boolean sized = length >= 1 && length <= maxBodyBytes;
        if (!(sized || length < 0 && RequestLimitsFilter.hasChunkedBody(request)) || !isJson(request.getContentType())
                || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
            return null;
        }
        String presented = BearerKeyFilter.bearerKey(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (presented == null) {
            return null;
        }
        return keys.lookup(presented).filter(principal -> principal.has(required)).orElse(null);
    }

    private static boolean isJson(String contentType) {
        String json = MediaType.APPLICATION_JSON_VALUE;
        return contentType != null && contentType.regionMatches(true, 0, json, 0, json.length())
                && (contentType.length() == json.length() || contentType.charAt(json.length()) == ';');
    }

    /** No {@code Accept}, or one of the three single values that admit JSON; lists go to the framework. */
    private static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("*/*") || accept.equalsIgnoreCase(MediaType.APPLICATION_JSON_VALUE)
                || accept.equalsIgnoreCase("application/*");
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, Problem problem) throws IOException {
        writeSecurityHeaders(request, response);
        problem.instance(request.getRequestURI()).writeTo(response);
    }

    private void writeSecurityHeaders(HttpServletRequest request, HttpServletResponse response) {
        for (HeaderWriter header : securityHeaders) {
            header.writeHeaders(request, response);
        }
    }
}
