package io.stemedb.http.body;

import io.stemedb.http.limits.RequestLimitsFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The admin import's body is JSON Lines, whatever type the client declares. {@code curl
 * --data-binary @file} (as the runbooks print it) sends {@code application/x-www-form-urlencoded},
 * and a servlet container then reads such a body as form parameters: Spring Security's firewall
 * refused every line as a "parameter name", and the gateway would rebuild the body from the
 * parameters. So, for the import path only and before anything else runs, the request is shown
 * with the type {@value #JSON_LINES} and with the query string's parameters alone; its body stays
 * an untouched stream for the import to read line by line.
 *
 * <p>Registered first in both public services (the gateway passes the corrected type on).
 */
public final class ImportBodyFilter extends OncePerRequestFilter {

    static final String JSON_LINES = "application/x-ndjson";

    /** Ahead of Spring Security's chain (order -100) and every other filter that may read parameters. */
    public static FilterRegistrationBean<ImportBodyFilter> registration() {
        FilterRegistrationBean<ImportBodyFilter> registration = new FilterRegistrationBean<>(new ImportBodyFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !RequestLimitsFilter.ADMIN_IMPORT_PATH.equals(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new JsonLinesRequest(request), response);
    }

    /** The import request as JSON Lines, with parameters from its query string only. */
    private static final class JsonLinesRequest extends HttpServletRequestWrapper {

        private final Map<String, String[]> parameters;

        JsonLinesRequest(HttpServletRequest request) {
            super(request);
            this.parameters = Collections.unmodifiableMap(queryParameters(request.getQueryString()));
        }

        @Override
        public String getContentType() {
            return JSON_LINES;
        }

        @Override
        public String getHeader(String name) {
            return isContentType(name) ? JSON_LINES : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return isContentType(name) ? Collections.enumeration(List.of(JSON_LINES)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            if (names.stream().noneMatch(JsonLinesRequest::isContentType)) {
                names.add("Content-Type");
            }
            return Collections.enumeration(names);
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values.clone();
        }

        private static boolean isContentType(String name) {
            return name.toLowerCase(Locale.ROOT).equals("content-type");
        }

        private static Map<String, String[]> queryParameters(String query) {
            Map<String, List<String>> collected = new LinkedHashMap<>();
            if (query != null && !query.isEmpty()) {
                for (String pair : query.split("&")) {
                    int equals = pair.indexOf('=');
                    String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                    String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                    collected.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                }
            }
            Map<String, String[]> parameters = new LinkedHashMap<>();
            collected.forEach((name, values) -> parameters.put(name, values.toArray(String[]::new)));
            return parameters;
        }

        private static String decode(String text) {
            // The request limits refuse a query string that is not percent-encoded UTF-8 first.
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return text;
            }
        }
    }
}
