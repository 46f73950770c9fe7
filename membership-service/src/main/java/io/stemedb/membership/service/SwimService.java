package io.stemedb.membership.service;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.membership.config.MembershipProperties;
import io.stemedb.membership.swim.MemberChange;
import io.stemedb.membership.swim.MemberStatus;
import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.swim.SwimConfig;
import io.stemedb.membership.udp.SwimUdpRuntime;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership: the SWIM runtime (replaced on a gossip restart), its metrics, what this
 * node announces about itself (re-announced when a service of the node changes it, such as the
 * api-service's assertion count), listeners to member changes, and the operator controls.
 *
 * <p>Metrics: {@code stemedb_swim_members{status}}, {@code stemedb_swim_unreachable_members},
 * {@code stemedb_swim_sent_bytes_total}, {@code stemedb_swim_malformed_datagrams_total},
 * {@code stemedb_clock_offset_seconds{member}}.
 */
public final class SwimService implements AutoCloseable {

    /** What a removal did. */
    public enum Removal { REMOVED, UNKNOWN_MEMBER, STILL_UP }

    private static final Logger log = LoggerFactory.getLogger(SwimService.class);

    private final MembershipProperties properties;
    private final MeterRegistry registry;
    private final Map<String, String> announced = new TreeMap<>();
    private final Set<String> offsetGauges = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesOutBefore = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile SwimUdpRuntime runtime;

    public SwimService(MembershipProperties properties, MeterRegistry registry) {
        this.properties = properties;
        this.registry = registry;
        if (properties.metadata() != null) {
            announced.putAll(properties.metadata());
        }
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
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} on the protocol thread after every change of a member (keep it short). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private double count(MemberStatus status) {
        return runtime.members().stream().filter(member -> member.status() == status).count();
    }

    private double offsetSeconds(String member) {
        return runtime.members().stream().filter(view -> view.id().equals(member) && view.clockOffsetMillis() != null)
                .mapToDouble(view -> view.clockOffsetMillis() / 1000.0).findFirst().orElse(Double.NaN);
    }

    /**
     * Merges {@code facts} into what this node announces and gossips them if anything changed; the
     * addresses configured at start cannot be overwritten.
     */
    public synchronized void announce(Map<String, String> facts) {
        boolean changed = false;
        for (Map.Entry<String, String> fact : facts.entrySet()) {
            if (properties.metadata() != null && properties.metadata().containsKey(fact.getKey())) {
                continue;
            }
            changed |= !fact.getValue().equals(announced.put(fact.getKey(), fact.getValue()));
        }
        if (changed) {
            runtime.announce(Map.copyOf(announced));
        }
    }

    /** What this node announces now. */
    public synchronized Map<String, String> announced() {
        return Map.copyOf(announced);
    }

    public SwimUdpRuntime runtime() {
        return runtime;
    }

    /**
     * Declares a member DOWN and forgets it here; the others learn it by gossip. A member that is
     * UP is only removed with {@code force} (and will refute unless it is really gone).
     */
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

    /** Closes the gossip socket and starts membership afresh (rejoining through the seeds). */
    public synchronized void restartGossip() {
        log.warn("restarting gossip on an operator's request");
        SwimUdpRuntime old = runtime;
        bytesOutBefore.addAndGet(old.bytesOut());
        old.stop(true);
        runtime = startRuntime();
    }

    @Override
    public void close() {
        runtime.stop(true);
    }
}
