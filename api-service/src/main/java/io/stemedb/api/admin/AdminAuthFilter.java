package io.stemedb.api.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards every {@code /v1/admin/**} request: it needs {@code Authorization: Bearer <admin token>}.
 * Missing or wrong token: 401 with a JSON problem and {@code WWW-Authenticate}; no token
 * configured on the node: 403 (admin endpoints fail closed). Refusals are counted in
 * {@code stemedb_api_admin_refusals_total}.
 *
 * <p>The first, single-credential form of what issue #8 turns into roles (reader, writer, admin)
 * on every endpoint.
 */
public final class AdminAuthFilter extends OncePerRequestFilter {

    static final String ADMIN_PREFIX = "/v1/admin/";
    private static final String BEARER = "Bearer ";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AdminCredential credential;
    private final Counter refusals;

    public AdminAuthFilter(AdminCredential credential, MeterRegistry registry) {
        this.credential = credential;
        this.refusals = Counter.builder("stemedb.api.admin.refusals")
                .description("Admin requests refused for a missing or wrong credential")
                .register(registry);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(ADMIN_PREFIX);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!credential.configured()) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "Forbidden",
                    "no admin credential is configured on this node (stemedb.api.admin.token-file), so admin endpoints are off");
            return;
        }
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.startsWith(BEARER) ? header.substring(BEARER.length()).trim() : null;
        if (!credential.accepts(token)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"stemedb-admin\"");
            refuse(request, response, HttpServletResponse.SC_UNAUTHORIZED, "Unauthorized",
                    token == null ? "admin endpoints need 'Authorization: Bearer <admin token>'" : "the admin token is not valid");
            return;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        refusals.increment();
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }
}
