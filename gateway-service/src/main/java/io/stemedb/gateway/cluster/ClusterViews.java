package io.stemedb.gateway.cluster;

import io.grpc.ManagedChannel;
import io.stemedb.common.membership.MembershipWatch;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * What {@code /cluster/*} reads, over gRPC like every other contract: this node's membership-service
 * ({@code spring.grpc.client.channel.membership.target}), watched; the consensus status is asked of
 * the replication-service per request.
 */
@Configuration(proxyBeanMethods = false)
public class ClusterViews {

    /** Name of the gRPC channel to this node's membership-service. */
    static final String MEMBERSHIP_CHANNEL = "membership";

    @Bean(destroyMethod = "shutdownNow")
    ManagedChannel membershipChannel(GrpcChannelFactory channels) {
        return channels.createChannel(MEMBERSHIP_CHANNEL);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    MembershipWatch membershipWatch(ManagedChannel membershipChannel) {
        return new MembershipWatch(membershipChannel);
    }
}
