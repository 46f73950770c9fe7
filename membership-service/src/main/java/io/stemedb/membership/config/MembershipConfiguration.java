package io.stemedb.membership.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.common.cluster.ClusterViewHolder;
import io.stemedb.membership.swim.MemberStatus;
import io.stemedb.membership.swim.SwimConfig;
import io.stemedb.membership.swim.SwimListener;
import io.stemedb.membership.udp.SwimUdpRuntime;
import io.stemedb.membership.view.SwimClusterView;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MembershipProperties.class)
public class MembershipConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MembershipConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "stemedb.membership.enabled", matchIfMissing = true)
    SwimUdpRuntime swimUdpRuntime(MembershipProperties properties, MeterRegistry registry,
            ObjectProvider<ClusterViewHolder> sharedView) {
        MembershipProperties.Swim swim = properties.swim();
        SwimConfig config = SwimConfig.of(swim.probeInterval(), swim.probeTimeout(), swim.suspicionTimeout());
        SwimListener listener = (member, previous, now) -> {
            if (previous != null && member.status() != MemberStatus.ALIVE) {
                log.warn("member {} ({}) is {} (was {})", member.id(), member.address(), member.status().apiName(),
                        previous.apiName());
            } else if (previous != null) {
                log.info("member {} ({}) is UP again (incarnation {})", member.id(), member.address(), member.incarnation());
            }
        };
        SwimUdpRuntime runtime = SwimUdpRuntime.start(properties.nodeId(),
                new InetSocketAddress(swim.bindAddress(), swim.port()), swim.advertisedHost(), properties.seeds(),
                Map.of("role", properties.role()), config, listener);
        for (MemberStatus status : MemberStatus.values()) {
            Gauge.builder("stemedb.swim.members", runtime, r -> r.members().stream().filter(m -> m.status() == status).count())
                    .description("Other members this node sees, by status")
                    .tag("status", status.apiName())
                    .register(registry);
        }
        Gauge.builder("stemedb.swim.unreachable.members", runtime,
                        r -> r.members().stream().filter(m -> m.status() != MemberStatus.ALIVE).count())
                .description("Members this node sees as SUSPECT or DOWN")
                .register(registry);
        FunctionCounter.builder("stemedb.swim.bytes.sent", runtime, SwimUdpRuntime::bytesOut)
                .description("SWIM datagram bytes sent").baseUnit("bytes").register(registry);
        FunctionCounter.builder("stemedb.swim.malformed.datagrams", runtime, SwimUdpRuntime::malformedDatagrams)
                .description("Datagrams on the SWIM port that were not SWIM messages").register(registry);
        sharedView.ifAvailable(holder -> holder.publish(new SwimClusterView(runtime, properties.role())));
        return runtime;
    }
}
