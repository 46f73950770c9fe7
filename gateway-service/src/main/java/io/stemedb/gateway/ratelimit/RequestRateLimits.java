package io.stemedb.gateway.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.http.problem.Problem;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Request limits at the gateway (Bucket4j): per endpoint path and per agent ({@link io.stemedb.gateway.security.RequestAgent}),
 * each with a burst of one second's worth. Over a limit: 429, {@code Retry-After}, a JSON body with
 * {@code reason: rate_limited} and the {@code scope}. Per gateway instance: N gateways behind a
 * load balancer let N times the limit through; the node-wide write limit, enforced by the
 * api-service, is the one that bounds writes whatever the number of gateways.
 */
public final class RequestRateLimits implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private static final int MAX_TRACKED_AGENTS = 100_000;

    private final Map<String, Bucket> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Long> perEndpoint;
    private final long perAgent;
    private final Map<String, Bucket> agents = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    public RequestRateLimits(Map<String, Long> perEndpoint, long perAgent, MeterRegistry registry) {
        this.perEndpoint = perEndpoint == null ? Map.of() : Map.copyOf(perEndpoint);
        this.perAgent = perAgent;
        this.registry = registry;
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        String path = request.path();
        Long endpointLimit = perEndpoint.get(path);
        if (endpointLimit != null && endpointLimit > 0) {
            Bucket bucket = endpoints.computeIfAbsent(path, p -> bucket(endpointLimit));
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return refuse("endpoint", path, probe, "endpoint " + path + " is over its limit of " + endpointLimit
                        + " requests per second at this gateway");
            }
        }
        String agent = io.stemedb.gateway.security.RequestAgent.of(request);
        if (perAgent > 0 && agent != null && !agent.isBlank()) {
            if (agents.size() > MAX_TRACKED_AGENTS) {
                agents.clear();
            }
            ConsumptionProbe probe = agents.computeIfAbsent(agent, a -> bucket(perAgent)).tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return refuse("agent", path, probe, "agent " + agent + " is over its limit of " + perAgent
                        + " requests per second at this gateway");
            }
        }
        return next.handle(request);
    }

    private ServerResponse refuse(String scope, String path, ConsumptionProbe probe, String detail) {
        Counter.builder("stemedb.gateway.rate.limit.rejections")
                .description("Requests the gateway refused with 429, by scope and endpoint")
                .tag("scope", scope)
                // Only paths an operator configured: a path is client input, and a tag per path
                // would grow the metrics without bound.
                .tag("endpoint", perEndpoint.containsKey(path) ? path : "other")
                .register(registry)
                .increment();
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        return Problem.of(429, "Too many requests", detail + "; retry in " + seconds + " s")
                .reason("rate_limited")
                .with("scope", scope)
                .retryAfter(seconds)
                .toServerResponse();
    }

    private static Bucket bucket(long perSecond) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
    }
}
