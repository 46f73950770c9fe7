package io.stemedb.wal.config;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stemedb.common.metrics.MetricsScrapeService;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * This service's meters over gRPC ({@code ServiceMetrics} {@code Scrape}, on its own gRPC port): the
 * api-service serves them on the node's {@code /metrics}, since this service has no public port.
 */
@Configuration(proxyBeanMethods = false)
public class ServiceMetricsConfiguration {

    @Bean
    MetricsScrapeService metricsScrapeService(PrometheusMeterRegistry registry,
            @Value("${spring.application.name}") String service) {
        return new MetricsScrapeService(service, registry::scrape);
    }
}
