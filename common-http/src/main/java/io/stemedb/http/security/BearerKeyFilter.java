package io.stemedb.http.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <key>}: a known key becomes the request's
 * {@link ApiKeyAuthentication}; an unknown or malformed one is refused at once (401), so a typo in
 * a key never degrades into an anonymous request; no header leaves the request anonymous for the
 * access rules to decide (open endpoints answer, the rest 401).
 */
public final class BearerKeyFilter extends OncePerRequestFilter {

    private static final String BEARER = "bearer ";

    private final KeyRing keys;
    private final SecurityProblems problems;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    public BearerKeyFilter(KeyRing keys, SecurityProblems problems) {
        this.keys = keys;
        this.problems = problems;
    }

    /** The key an {@code Authorization} header presents, or null when it is not {@code Bearer <key>}. */
    public static String bearerKey(String header) {
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return header.substring(BEARER.length()).strip();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        String presented = bearerKey(header);
        if (presented == null) {
            problems.unauthorized(request, response, SecurityProblems.INVALID,
                    "the Authorization header must be 'Bearer <key>'");
            return;
        }
        Optional<ApiPrincipal> principal = keys.lookup(presented);
        if (principal.isEmpty()) {
            problems.unauthorized(request, response, SecurityProblems.INVALID, "the key is not valid on this node");
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(principal.get()));
        contexts.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            contexts.clearContext();
        }
    }
}
