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
        Map<String, String> announced = new java.util.TreeMap<>();
        if (properties.metadata() != null) {
            announced.putAll(properties.metadata());
        }
        announced.put("role", properties.role());
        java.util.Set<String> offsetGauges = java.util.concurrent.ConcurrentHashMap.newKeySet();
        SwimUdpRuntime[] self = new SwimUdpRuntime[1];
        SwimListener withOffsets = (member, previous, now) -> {
            listener.changed(member, previous, now);
            if (offsetGauges.add(member.id())) {
                Gauge.builder("stemedb.clock.offset", () -> offsetSeconds(self[0], member.id()))
                        .description("Member's wall clock minus this node's, measured on direct probes (NTP-style)")
                        .baseUnit("seconds")
                        .tag("member", member.id())
                        .register(registry);
            }
        };
        SwimUdpRuntime runtime = SwimUdpRuntime.start(properties.nodeId(),
                new InetSocketAddress(swim.bindAddress(), swim.port()), swim.advertisedHost(), properties.seeds(),
                announced, config, withOffsets);
        self[0] = runtime;
        startAnnouncing(runtime, announced, registry, properties.announceInterval());
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

    private static double offsetSeconds(SwimUdpRuntime runtime, String member) {
        if (runtime == null) {
            return Double.NaN;
        }
        return runtime.members().stream().filter(view -> view.id().equals(member) && view.clockOffsetMillis() != null)
                .mapToDouble(view -> view.clockOffsetMillis() / 1000.0).findFirst().orElse(Double.NaN);
    }

    /**
     * Re-announces this node's assertion count when it changed (read from the shared registry's
     * {@code stemedb.index.assertions} gauge, present when the api-service runs in the same node).
     */
    private static void startAnnouncing(SwimUdpRuntime runtime, Map<String, String> base, MeterRegistry registry,
            java.time.Duration interval) {
        Thread announcer = new Thread(() -> {
            String last = null;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                io.micrometer.core.instrument.Gauge assertions = registry.find("stemedb.index.assertions").gauge();
                if (assertions == null) {
                    continue;
                }
                String count = Long.toString((long) assertions.value());
                if (!count.equals(last)) {
                    Map<String, String> metadata = new java.util.TreeMap<>(base);
                    metadata.put("assertion_count", count);
                    runtime.announce(metadata);
                    last = count;
                }
            }
        }, "swim-announce");
        announcer.setDaemon(true);
        announcer.start();
    }
}
