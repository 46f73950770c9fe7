package io.stemedb.http.security;

import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call what, for the api-service and the gateway alike (one table, so the two ports never
 * disagree). First match wins. docs/security.md prints this table; the node's endpoint × role test
 * checks every mapped endpoint against it.
 */
public final class AccessRules {

    /** What a request needs. */
    public enum Access { OPEN, READER, WRITER, ADMIN, AUTHENTICATED, DENIED }

    /** One rule: a method (null for any) and a path pattern. */
    public record Rule(HttpMethod method, String pattern, Access access) {}

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

    private final List<Rule> rules;
    private final List<PathPattern> patterns;

    public AccessRules(boolean metricsPublic) {
        this.rules = List.of(
                // Load balancers and probes carry no credentials.
                new Rule(HttpMethod.GET, "/v1/health", Access.OPEN),
                new Rule(HttpMethod.GET, "/actuator/health/**", Access.OPEN),
                new Rule(HttpMethod.GET, "/cluster/health", Access.OPEN),
                new Rule(HttpMethod.GET, "/metrics", metricsPublic ? Access.OPEN : Access.READER),
                new Rule(HttpMethod.GET, "/actuator/prometheus", metricsPublic ? Access.OPEN : Access.READER),
                // Actuator's discovery page lists what is exposed: not for anonymous eyes.
                new Rule(HttpMethod.GET, "/actuator", Access.READER),
                // The container's error page, reached by error dispatches (permitted below);
                // asked for directly it has no error to show and would answer 500.
                new Rule(null, "/error", Access.DENIED),
                new Rule(null, "/v1/admin/**", Access.ADMIN),
                new Rule(null, "/admin/**", Access.ADMIN),
                new Rule(null, "/cluster/sync/**", Access.ADMIN),
                new Rule(HttpMethod.GET, "/cluster/members", Access.READER),
                new Rule(HttpMethod.GET, "/v1/**", Access.READER),
                new Rule(HttpMethod.HEAD, "/v1/**", Access.READER),
                // A query is a read sent as POST (its body is structured).
                new Rule(HttpMethod.POST, "/v1/query", Access.READER),
                new Rule(null, "/v1/**", Access.WRITER));
        this.patterns = rules.stream().map(rule -> PARSER.parse(rule.pattern())).toList();
    }

    public List<Rule> rules() {
        return rules;
    }

    /** What {@code method path} needs; {@link Access#AUTHENTICATED} for paths no rule names. */
    public Access required(String method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if ((rule.method() == null || rule.method().name().equals(method)) && patterns.get(i).matches(container)) {
                return rule.access();
            }
        }
        return Access.AUTHENTICATED;
    }

    /** Installs the table into Spring Security's request authorization. */
    public void apply(AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry authorize) {
        // The request was authorized on its first dispatch; SSE completions and error pages
        // re-dispatch the same request without the bearer filter running again.
        authorize.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll();
        for (Rule rule : rules) {
            var matcher = rule.method() == null ? authorize.requestMatchers(rule.pattern())
                    : authorize.requestMatchers(rule.method(), rule.pattern());
            switch (rule.access()) {
                case OPEN -> matcher.permitAll();
                case READER -> matcher.hasRole(Role.READER.name());
                case WRITER -> matcher.hasRole(Role.WRITER.name());
                case ADMIN -> matcher.hasRole(Role.ADMIN.name());
                case AUTHENTICATED -> matcher.authenticated();
                case DENIED -> matcher.denyAll();
            }
        }
        authorize.anyRequest().authenticated();
    }
}
