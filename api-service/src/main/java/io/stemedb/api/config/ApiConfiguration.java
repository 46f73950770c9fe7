package io.stemedb.api.config;

import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.health.NodeHealthService;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.WalTailer;
import io.stemedb.api.query.QueryRequestReader;
import io.stemedb.api.query.QueryService;
import io.stemedb.api.wal.WalClient;
import io.stemedb.api.write.AssertionWriter;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.validation.AssertionRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
public class ApiConfiguration {

    /** Name of the gRPC channel to the wal-service: {@code spring.grpc.client.channel.wal.target}. */
    static final String WAL_CHANNEL = "wal";

    @Bean
    HybridLogicalClock hybridLogicalClock() {
        return HybridLogicalClock.systemClock();
    }

    @Bean
    ValidationLimits validationLimits(ApiProperties properties) {
        return properties.limits().toValidationLimits();
    }

    @Bean
    AssertionRequestReader assertionRequestReader(ValidationLimits limits) {
        return new AssertionRequestReader(limits);
    }

    @Bean
    QueryRequestReader queryRequestReader(ValidationLimits limits) {
        return new QueryRequestReader(limits);
    }

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel walChannel(GrpcChannelFactory channels) {
        return channels.createChannel(WAL_CHANNEL);
    }

    @Bean
    WalClient walClient(ManagedChannel walChannel, ApiProperties properties) {
        return new WalClient(walChannel, properties.rpcTimeout());
    }

    @Bean
    AssertionIndex assertionIndex(MeterRegistry registry) {
        return new AssertionIndex(registry);
    }

    @Bean
    WalTailer walTailer(WalClient wal, AssertionIndex index, HybridLogicalClock clock, ApiProperties properties,
            MeterRegistry registry) {
        return new WalTailer(wal, index, clock, properties.tailRetry(), registry);
    }

    @Bean
    AssertionWriter assertionWriter(AssertionRequestReader requests, HybridLogicalClock clock, WalClient wal,
            WalTailer tailer, ApiProperties properties, MeterRegistry registry) {
        return new AssertionWriter(requests, clock, wal, tailer, properties.term(), registry);
    }

    @Bean
    QueryService queryService(AssertionIndex index, AssertionWriter writer, ApiProperties properties) {
        return new QueryService(index, writer::highestAcknowledgedIndex, properties.readAfterWriteTimeout(),
                properties.maxQueryResults());
    }

    @Bean("node")
    NodeHealthService nodeHealthService(ApiProperties properties, AssertionIndex index, WalTailer tailer, WalClient wal) {
        return new NodeHealthService(properties.nodeId(), index, tailer, wal);
    }
}
