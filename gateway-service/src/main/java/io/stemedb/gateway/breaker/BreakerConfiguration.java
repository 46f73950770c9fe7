package io.stemedb.gateway.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.gateway.config.GatewayProperties;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node's circuit breaker registry: the parent context's when the gateway runs in an embedded
 * node (shared with the api-service's admin endpoints), else its own.
 */
@Configuration(proxyBeanMethods = false)
public class BreakerConfiguration {

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

    @Bean
    DownstreamBreakers downstreamBreakers(ObjectProvider<CircuitBreakerRegistry> shared, GatewayProperties properties,
            MeterRegistry meters) {
        Duration openFor = Duration.ofSeconds(5);
        CircuitBreakerRegistry registry = shared.getIfAvailable(() -> {
            CircuitBreakerRegistry own = defaultRegistry(openFor);
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(own).bindTo(meters);
            return own;
        });
        GatewayProperties.AgentBreakerLimits limits = properties.agentBreakers();
        AgentBreakers agents = new AgentBreakers(registry, limits.maxAgents(), limits.idleExpiry(), meters, System::nanoTime);
        return new DownstreamBreakers(registry, agents, properties.apiUri(), openFor);
    }
}
