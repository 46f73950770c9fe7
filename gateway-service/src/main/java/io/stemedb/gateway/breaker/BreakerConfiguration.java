package io.stemedb.gateway.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.gateway.config.GatewayProperties;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway's circuit breakers: its own registry, listed and reset on its port
 * ({@link GatewayBreakersController}).
 */
@Configuration(proxyBeanMethods = false)
public class BreakerConfiguration {

    /** How long a tripped breaker stays open before it lets probes through. */
    private static final Duration OPEN_FOR = Duration.ofSeconds(5);

    /** Breaker defaults: trip at 50% failures over the last 20 calls (at least 10), stay open 5 s, probe with 3. */
    public static CircuitBreakerRegistry defaultRegistry(Duration openFor) {
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
    }

    /** This gateway's breakers (per downstream, per agent), with their meters. */
    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(MeterRegistry meters) {
        CircuitBreakerRegistry registry = defaultRegistry(OPEN_FOR);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    DownstreamBreakers downstreamBreakers(CircuitBreakerRegistry registry, GatewayProperties properties, MeterRegistry meters) {
        GatewayProperties.AgentBreakerLimits limits = properties.agentBreakers();
        AgentBreakers agents = new AgentBreakers(registry, limits.maxAgents(), limits.idleExpiry(), meters, System::nanoTime);
        return new DownstreamBreakers(registry, agents, properties.apiUri(), OPEN_FOR);
    }
}
