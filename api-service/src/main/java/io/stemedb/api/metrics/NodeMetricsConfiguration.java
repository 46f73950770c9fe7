package io.stemedb.api.metrics;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stemedb.api.config.ApiProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The node's {@code /metrics}: this service's registry and the node services the api has a gRPC
 * channel to (bean {@code walChannel} → {@code wal}, {@code replicationChannel} →
 * {@code replication}, {@code membershipChannel} → {@code membership}; the last two only where
 * they are enabled).
 */
@Configuration(proxyBeanMethods = false)
public class NodeMetricsConfiguration {

    private static final String CHANNEL_SUFFIX = "Channel";

    @Bean
    NodeMetrics nodeMetrics(PrometheusMeterRegistry own, Map<String, ManagedChannel> channels, MeterRegistry registry,
            ApiProperties properties) {
        Map<String, ManagedChannel> services = new LinkedHashMap<>();
        channels.forEach((bean, channel) -> services.put(bean.endsWith(CHANNEL_SUFFIX)
                ? bean.substring(0, bean.length() - CHANNEL_SUFFIX.length()) : bean, channel));
        return new NodeMetrics(own, services, properties.metrics().scrapeTimeout(), registry);
    }
}
