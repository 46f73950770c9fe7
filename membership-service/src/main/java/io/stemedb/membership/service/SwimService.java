package io.stemedb.membership.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.common.cluster.ClusterControl;
import io.stemedb.membership.config.MembershipProperties;
import io.stemedb.membership.swim.MemberChange;
import io.stemedb.membership.swim.MemberStatus;
import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.swim.SwimConfig;
import io.stemedb.membership.udp.SwimUdpRuntime;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership: the SWIM runtime (replaced on a gossip restart), its metrics, the
 * periodic re-announcement of what changes about this node, and the operator controls.
 *
 * <p>Metrics: {@code stemedb_swim_members{status}}, {@code stemedb_swim_unreachable_members},
 * {@code stemedb_swim_sent_bytes_total}, {@code stemedb_swim_malformed_datagrams_total},
 * {@code stemedb_clock_offset_seconds{member}}.
 */
public final class SwimService implements ClusterControl, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SwimService.class);

    private final MembershipProperties properties;
    private final MeterRegistry registry;
    private final Map<String, String> announced = new TreeMap<>();
    private final Set<String> offsetGauges = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesOutBefore = new AtomicLong();
    private final Thread announcer;
    private volatile SwimUdpRuntime runtime;

    public SwimService(MembershipProperties properties, MeterRegistry registry) {
        this.properties = properties;
        this.registry = registry;
        if (properties.metadata() != null) {
            announced.putAll(properties.metadata());
        }
        announced.put("role", properties.role());
        this.runtime = startRuntime();
        for (MemberStatus status : MemberStatus.values()) {
            Gauge.builder("stemedb.swim.members", this, s -> s.count(status))
                    .description("Other members this node sees, by status")
                    .tag("status", status.apiName())
                    .register(registry);
        }
        Gauge.builder("stemedb.swim.unreachable.members", this, s -> s.count(MemberStatus.SUSPECT) + s.count(MemberStatus.DEAD))
                .description("Members this node sees as SUSPECT or DOWN")
                .register(registry);
        FunctionCounter.builder("stemedb.swim.sent", this, s -> s.bytesOutBefore.get() + s.runtime.bytesOut())
                .description("SWIM datagram bytes sent").baseUnit("bytes").register(registry);
        FunctionCounter.builder("stemedb.swim.malformed.datagrams", this, s -> s.runtime.malformedDatagrams())
                .description("Datagrams on the SWIM port that were not SWIM messages").register(registry);
        this.announcer = new Thread(this::announceChanges, "swim-announce");
        this.announcer.setDaemon(true);
        this.announcer.start();
    }

    private SwimUdpRuntime startRuntime() {
        MembershipProperties.Swim swim = properties.swim();
        SwimConfig config = SwimConfig.of(swim.probeInterval(), swim.probeTimeout(), swim.suspicionTimeout());
        return SwimUdpRuntime.start(properties.nodeId(), new InetSocketAddress(swim.bindAddress(), swim.port()),
                swim.advertisedHost(), properties.seeds(), announced, config, this::changed);
    }

    /** On the protocol thread, for each change the node reports: logs the interesting ones, registers offset gauges. */
    private void changed(MemberChange change) {
        MemberView member = change.member();
        MemberStatus previous = change.previous();
        if (previous != null && member.status() != MemberStatus.ALIVE) {
            log.warn("member {} ({}) is {} (was {})", member.id(), member.address(), member.status().apiName(),
                    previous.apiName());
        } else if (previous != null) {
            log.info("member {} ({}) is UP again (incarnation {})", member.id(), member.address(), member.incarnation());
        }
        if (offsetGauges.add(member.id())) {
            Gauge.builder("stemedb.clock.offset", () -> offsetSeconds(member.id()))
                    .description("Member's wall clock minus this node's, measured on direct probes (NTP-style)")
                    .baseUnit("seconds")
                    .tag("member", member.id())
                    .register(registry);
        }
    }

    private double count(MemberStatus status) {
        return runtime.members().stream().filter(member -> member.status() == status).count();
    }

    private double offsetSeconds(String member) {
        return runtime.members().stream().filter(view -> view.id().equals(member) && view.clockOffsetMillis() != null)
                .mapToDouble(view -> view.clockOffsetMillis() / 1000.0).findFirst().orElse(Double.NaN);
    }

    /**
     * Re-announces this node's assertion count when it changed, read from the shared registry's
     * {@code stemedb.index.assertions} gauge (present when the api-service runs in the same node).
     */
    private void announceChanges() {
        String last = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(properties.announceInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Gauge assertions = registry.find("stemedb.index.assertions").gauge();
            if (assertions == null) {
                continue;
            }
            String count = Long.toString((long) assertions.value());
            if (!count.equals(last)) {
                announced.put("assertion_count", count);
                runtime.announce(Map.copyOf(announced));
                last = count;
            }
        }
    }

    public SwimUdpRuntime runtime() {
        return runtime;
    }

    public String role() {
        return properties.role();
    }


    @Override
    public Removal remove(String nodeId, boolean force) {
        MemberView member = runtime.members().stream().filter(view -> view.id().equals(nodeId)).findFirst().orElse(null);
        if (member == null) {
            return Removal.UNKNOWN_MEMBER;
        }
        if (member.status() != MemberStatus.DEAD && !force) {
            return Removal.STILL_UP;
        }
        log.warn("removing member {} on an operator's request (force {})", nodeId, force);
        return runtime.remove(nodeId) ? Removal.REMOVED : Removal.UNKNOWN_MEMBER;
    }

    @Override
    public synchronized void restartGossip() {
        log.warn("restarting gossip on an operator's request");
        SwimUdpRuntime old = runtime;
        bytesOutBefore.addAndGet(old.bytesOut());
        old.stop(true);
        runtime = startRuntime();
    }

    @Override
    public void close() {
        announcer.interrupt();
        runtime.stop(true);
    }
}
