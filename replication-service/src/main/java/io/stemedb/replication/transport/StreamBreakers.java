package io.stemedb.replication.transport;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One circuit breaker per outbound replication stream, named {@code replication:<member id>}.
 * A call is one attempt to open a stream: it fails when the stream breaks with an error before the
 * member has answered on it, and succeeds when the member answers. Half the attempts of the last
 * ten failing (at least five of them) opens the breaker: no stream to that member is opened, and
 * what the consensus sends it is dropped (which it treats as loss) until, after
 * {@code waitInOpen}, two trial attempts are let through. So a member that is down or refusing
 * costs the primary nothing but a counter, and operators see it as a tripped breaker (the lag
 * runbook) and can close it by the member's id. Metrics: Resilience4j's
 * {@code resilience4j_circuitbreaker_*{name="replication:<id>"}}.
 */
public final class StreamBreakers {

    static final String PREFIX = "replication:";

    private final CircuitBreakerRegistry registry;

    public StreamBreakers(Duration waitInOpen, MeterRegistry meters) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(waitInOpen)
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordExceptions(Throwable.class)
                .build();
        this.registry = CircuitBreakerRegistry.of(config);
        if (meters != null) {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        }
    }

    CircuitBreaker of(String member) {
        return registry.circuitBreaker(PREFIX + member);
    }

    /** Every member's breaker this node has used. */
    public List<CircuitBreaker> all() {
        return List.copyOf(registry.getAllCircuitBreakers());
    }

    /** Closes {@code member}'s breaker; empty when this node never streamed to it. */
    public Optional<CircuitBreaker> reset(String member) {
        Optional<CircuitBreaker> breaker = registry.find(PREFIX + member);
        breaker.ifPresent(CircuitBreaker::reset);
        return breaker;
    }

    /** The member a breaker belongs to. */
    public static String memberOf(CircuitBreaker breaker) {
        return breaker.getName().substring(PREFIX.length());
    }
}
