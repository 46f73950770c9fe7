package io.stemedb.node.embedded;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.stemedb.gateway.breaker.BreakerConfiguration;
import java.time.Duration;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.jvm.JvmMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.system.SystemMetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The parent context of an embedded node: what its services share. One Prometheus registry, so
 * that the api-service's {@code /metrics} shows every service's meters (the wal-service's fsync
 * timings among them) the way the runbooks expect. The services' auto-configuration finds these
 * beans in their parent and creates no registries of their own.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({MetricsAutoConfiguration.class, JvmMetricsAutoConfiguration.class,
        SystemMetricsAutoConfiguration.class})
public class NodeContextConfiguration {

    /**
     * The node's one circuit breaker registry: the gateway's breakers (and later replication's
     * per-replica ones) live here, and the api-service's admin endpoints list and reset them.
     */
    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(PrometheusMeterRegistry meters) {
        CircuitBreakerRegistry registry = BreakerConfiguration.defaultRegistry(Duration.ofSeconds(5));
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    PrometheusRegistry prometheusRegistry() {
        return new PrometheusRegistry();
    }

    @Bean
    PrometheusMeterRegistry prometheusMeterRegistry(PrometheusRegistry prometheusRegistry, Clock clock) {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheusRegistry, clock);
    }
}
