package io.stemedb.http.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.http.body.BufferedBodyRequest;
import io.stemedb.http.problem.Problem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses oversized requests before any work is done on them: a URI longer than
 * {@code maxUriLength} characters (414), a body larger than {@code maxBodyBytes} (413) — by its
 * {@code Content-Length} when it has one, or by reading at most one byte more than the limit when
 * it is chunked; a query string that is not percent-encoded UTF-8 (400). Streamed endpoints (the
 * admin import) are exempt from the body limit. JSON problem bodies with {@code reason}, counted
 * in {@code stemedb_requests_too_large_total{service, limit}} and
 * {@code stemedb_requests_malformed_total{service}}.
 */
public final class RequestLimitsFilter extends OncePerRequestFilter {

    /** The admin import: streamed and checked line by line, so exempt from the body limit. */
    public static final String ADMIN_IMPORT_PATH = "/v1/admin/import-assertions";

    private final long maxBodyBytes;
    private final int maxUriLength;
    private final Counter bodyTooLarge;
    private final Counter uriTooLong;
    private final Counter malformedQueries;

    public RequestLimitsFilter(String service, long maxBodyBytes, int maxUriLength, MeterRegistry registry) {
        this.maxBodyBytes = maxBodyBytes;
        this.maxUriLength = maxUriLength;
        this.bodyTooLarge = counter(registry, service, "body");
        this.uriTooLong = counter(registry, service, "uri");
        this.malformedQueries = Counter.builder("stemedb.requests.malformed")
                .description("Requests refused before any work because their query string is not percent-encoded UTF-8")
                .tag("service", service)
                .register(registry);
    }

    /**
     * The filter registered after Spring Security's chain (order -100), so an unauthenticated
     * request is refused without its body being read.
     */
    public static FilterRegistrationBean<RequestLimitsFilter> registration(String service, long maxBodyBytes, int maxUriLength,
            MeterRegistry registry) {
        FilterRegistrationBean<RequestLimitsFilter> registration =
                new FilterRegistrationBean<>(new RequestLimitsFilter(service, maxBodyBytes, maxUriLength, registry));
        registration.setOrder(0);
        return registration;
    }

    private static Counter counter(MeterRegistry registry, String service, String limit) {
        return Counter.builder("stemedb.requests.too.large")
                .description("Requests refused before any work for a body or URI over the configured limit")
                .tag("service", service)
                .tag("limit", limit)
                .register(registry);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        int uriLength = request.getRequestURI().length() + (request.getQueryString() == null ? 0 : request.getQueryString().length() + 1);
        if (uriLength > maxUriLength) {
            uriTooLong.increment();
            refuse(request, response, 414, "URI Too Long", "uri_too_long",
                    "the URI has " + uriLength + " characters; the limit is " + maxUriLength);
            return;
        }
        String malformed = malformedQuery(request.getQueryString());
        if (malformed != null) {
            malformedQueries.increment();
            refuse(request, response, 400, "Bad Request", "malformed_query", malformed);
            return;
        }
        if (ADMIN_IMPORT_PATH.equals(request.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            refuseBody(request, response, declared + " bytes");
            return;
        }
        if (declared < 0 && hasChunkedBody(request)) {
            byte[] body = readAtMost(request.getInputStream(), maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                refuseBody(request, response, "more than " + maxBodyBytes + " bytes");
                return;
            }
            chain.doFilter(new BufferedBodyRequest(request, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * Why a query string cannot be decoded as percent-encoded UTF-8 (bad escapes, overlong forms,
     * surrogates), or null. The container would otherwise fail later, in parameter binding or in
     * the gateway's proxying, with a 5xx for what is the client's error.
     */
    static String malformedQuery(String query) {
        if (query == null) {
            return null;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(query.length());
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                        || Character.digit(query.charAt(i + 2), 16) < 0) {
                    return "the query string has a bad percent escape at character " + i;
                }
                bytes.write(Character.digit(query.charAt(i + 1), 16) * 16 + Character.digit(query.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write(c > 0x7f ? '?' : c);
            }
        }
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
            return null;
        } catch (java.nio.charset.CharacterCodingException e) {
            return "the query string is not percent-encoded UTF-8";
        }
    }

    /** True when the request's body comes chunked (no {@code Content-Length} to judge it by). */
    public static boolean hasChunkedBody(HttpServletRequest request) {
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    private void refuseBody(HttpServletRequest request, HttpServletResponse response, String size) throws IOException {
        bodyTooLarge.increment();
        refuse(request, response, 413, "Content Too Large", "body_too_large",
                "the request body has " + size + "; the limit is " + maxBodyBytes + " bytes");
    }

    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while (out.size() < limit && (read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - out.size()))) >= 0) {
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String title,
            String reason, String detail) throws IOException {
        // The rest of an oversized body is not read; the connection cannot be reused after it.
        response.setHeader("Connection", "close");
        Problem.of(status, title, detail).reason(reason).instance(request.getRequestURI()).writeTo(response);
    }

}
