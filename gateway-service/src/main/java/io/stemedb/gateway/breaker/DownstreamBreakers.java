package io.stemedb.gateway.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.stemedb.http.problem.Problem;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Circuit breakers (Resilience4j) around every proxied call: one per downstream api-service the
 * call goes to ({@code node:<scheme://host:port>}: this node's api for reads, the primary's for
 * writes) and one per agent ({@code agent:<id>}, whom {@link io.stemedb.gateway.security.RequestAgent}
 * names; bounded and expiring, see {@link AgentBreakers}).
 * An unreachable downstream, or one answering 502 or 504, counts as a failure (a 503 is the api
 * answering, quickly, that it cannot take this now: not primary during an election, starting,
 * journal unavailable; counting it would open the breaker over an election and keep writes out
 * for seconds after a new primary is there); when the failure
 * rate trips a breaker, calls through it get 503 at once ({@code reason: circuit_open}) instead of
 * piling up on timeouts, until half-open probes find the downstream well again.
 *
 * <p>Per target, not per gateway: when the primary dies, the writes that fail on it open its
 * breaker only, so they fail fast until the gateway learns of the new primary, whose breaker is
 * closed; one breaker for everything this gateway sends would keep every write out for its whole
 * open time after the new primary is there. The gateway's registry is its own; its port lists and
 * resets these breakers ({@link GatewayBreakersController}).
 */
public final class DownstreamBreakers implements HandlerFilterFunction<ServerResponse, ServerResponse> {


    private final CircuitBreakerRegistry registry;
    private final AgentBreakers agents;
    private final URI downstream;
    private final Duration openFor;

    /** @param downstream the target of a request no route has given one (this node's api-service) */
    public DownstreamBreakers(CircuitBreakerRegistry registry, AgentBreakers agents, URI downstream, Duration openFor) {
        this.registry = registry;
        this.agents = agents;
        this.downstream = downstream;
        this.openFor = openFor;
    }

    /** The breaker's name for a target: {@code node:} and the target's scheme, host and port. */
    static String nodeBreakerName(URI target) {
        return "node:" + target.getScheme() + "://" + target.getRawAuthority();
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        URI target = request.attribute(MvcUtils.GATEWAY_REQUEST_URL_ATTR).map(URI.class::cast).orElse(downstream);
        CircuitBreaker node = registry.circuitBreaker(nodeBreakerName(target));
        String agentId = io.stemedb.gateway.security.RequestAgent.of(request);
        CircuitBreaker agent = agentId == null || agentId.isBlank() ? null : agents.of(agentId);
        if (!node.tryAcquirePermission()) {
            return open(node);
        }
        if (agent != null && !agent.tryAcquirePermission()) {
            node.releasePermission();
            return open(agent);
        }
        long started = System.nanoTime();
        try {
            ServerResponse response = next.handle(request);
            long elapsed = System.nanoTime() - started;
            int status = response.statusCode().value();
            boolean failed = status == 502 || status == 504;
            record(node, failed, elapsed);
            if (agent != null) {
                record(agent, failed, elapsed);
            }
            return response;
        } catch (Exception e) {
            if (!isUnreachable(e)) {
                // The gateway's own failure with this request, not the downstream's: it must not
                // count towards tripping a breaker every other client shares.
                node.releasePermission();
                if (agent != null) {
                    agent.releasePermission();
                }
                throw e;
            }
            long elapsed = System.nanoTime() - started;
            node.onError(elapsed, TimeUnit.NANOSECONDS, e);
            if (agent != null) {
                agent.onError(elapsed, TimeUnit.NANOSECONDS, e);
            }
            return problem(HttpStatus.SERVICE_UNAVAILABLE, "downstream_unreachable",
                    "the api-service behind this gateway did not answer: " + e.getMessage(), node.getName());
        }
    }

    private static void record(CircuitBreaker breaker, boolean failed, long elapsedNanos) {
        if (failed) {
            breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, new DownstreamFailure());
        } else {
            breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A transport failure talking to the downstream (refused, reset, timed out); not a decoding error. */
    static boolean isUnreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.nio.charset.CharacterCodingException) {
                return false;
            }
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private ServerResponse open(CircuitBreaker breaker) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "circuit_open", "circuit breaker " + breaker.getName()
                + " is open after repeated failures; calls resume once a probe succeeds", breaker.getName());
    }

    private ServerResponse problem(HttpStatus status, String reason, String detail, String breaker) {
        return Problem.of(status.value(), "Service unavailable", detail)
                .reason(reason)
                .with("circuit_breaker", breaker)
                .retryAfter(openFor.toSeconds())
                .toServerResponse();
    }

    /** A downstream answer that counts as a failure (502, 504). */
    static final class DownstreamFailure extends RuntimeException {
        DownstreamFailure() {
            super("downstream answered 502 or 504", null, false, false);
        }
    }
}
