package io.stemedb.node.bench.stack;

import java.util.List;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;

/**
 * Which of the node jar's auto-configurations a stack ceiling context keeps: the servlet web
 * server, MVC, Jackson and the HTTP clients (and, for the proxy, Spring Cloud Gateway's server
 * MVC). Everything else on the shared classpath (security, gRPC, actuator, metrics, observations)
 * is excluded, so what is measured is the web stack's own cost per request and nothing of
 * StemeDB's.
 */
final class WebStackOnly {

    private static final Pattern WEB_STACK = Pattern.compile("^org\\.springframework\\.boot\\."
            + "(tomcat|webmvc|servlet|jackson|http\\.converter|http\\.client|restclient|web\\.server|autoconfigure)\\..*");
    private static final Pattern GATEWAY = Pattern.compile("^org\\.springframework\\.cloud\\.gateway\\.server\\.mvc\\..*");
    private static final Pattern NOT_ON_A_REQUEST = Pattern.compile(".*(\\.actuate\\.|Metrics|Observation|\\.service\\.).*");

    private WebStackOnly() {
    }

    /** The {@code spring.autoconfigure.exclude} value: every candidate but the web stack's. */
    static String excluded(boolean withGateway) {
        List<String> candidates = ImportCandidates.load(AutoConfiguration.class, WebStackOnly.class.getClassLoader())
                .getCandidates();
        return String.join(",", candidates.stream().filter(name -> !kept(name, withGateway)).toList());
    }

    static boolean kept(String autoConfiguration, boolean withGateway) {
        boolean web = WEB_STACK.matcher(autoConfiguration).matches()
                || (withGateway && GATEWAY.matcher(autoConfiguration).matches());
        return web && !NOT_ON_A_REQUEST.matcher(autoConfiguration).matches();
    }
}
