package io.stemedb.membership.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.membership.grpc.MembershipGrpcService;
import io.stemedb.membership.service.SwimService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;

/** Starts SWIM and serves the {@code Membership} contract over it (gRPC, TCP). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MembershipProperties.class)
public class MembershipConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "stemedb.membership.enabled", matchIfMissing = true)
    SwimService swimService(MembershipProperties properties, MeterRegistry registry) {
        return new SwimService(properties, registry);
    }

    @Bean
    @ConditionalOnProperty(name = "stemedb.membership.enabled", matchIfMissing = true)
    MembershipGrpcService membershipGrpcService(SwimService swim, MembershipProperties properties) {
        return new MembershipGrpcService(swim, properties.watchInterval());
    }

    /** Closing starts with this event, before the gRPC server stops: the watches end first. */
    @Bean
    @ConditionalOnProperty(name = "stemedb.membership.enabled", matchIfMissing = true)
    ApplicationListener<ContextClosedEvent> endMembershipWatches(MembershipGrpcService membership) {
        return closed -> membership.endWatches();
    }
}
