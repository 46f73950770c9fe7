package io.stemedb.replication.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.replication.consensus.Leadership;
import io.stemedb.replication.consensus.Role;
import io.stemedb.replication.runtime.ConsensusRuntime;
import io.stemedb.replication.runtime.RuntimeEvents;
import io.stemedb.replication.runtime.StatusSnapshot;
import io.stemedb.replication.transport.PeerLinks;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consensus's metrics and log lines (the names the runbooks use), and the commit watchers fed
 * on every change.
 * <ul>
 *   <li>{@code stemedb_cluster_is_primary}: 1 on the primary; {@code stemedb_cluster_primary_count}:
 *       the primaries this node knows of in its current term (0 or 1; never more, by construction);
 *       {@code stemedb_cluster_term}, {@code stemedb_cluster_commit_index}, {@code stemedb_cluster_members}</li>
 *   <li>{@code stemedb_cluster_elections_total} (campaigns this node started),
 *       {@code stemedb_cluster_step_downs_total} (times it stopped being primary),
 *       {@code stemedb_cluster_primary_conflicts_total} (two primaries seen in one term: must stay 0)</li>
 *   <li>{@code stemedb_replication_lag_seconds{replica}} (on the primary),
 *       {@code stemedb_replication_truncated_entries_total}, {@code stemedb_replication_rebases_total},
 *       {@code stemedb_replication_handoffs_waiting},
 *       {@code stemedb_network_bytes_sent_total}</li>
 * </ul>
 * Log lines: {@code elected primary} (with the term), {@code stepped down}, and
 * {@code multiple primaries detected} whenever a node hears from two primaries in one term.
 */
public final class ConsensusMetrics implements RuntimeEvents {

    private static final Logger log = LoggerFactory.getLogger(ConsensusMetrics.class);

    private final MeterRegistry registry;
    private final CommitWatchers watchers;
    private final Map<String, String> apiAddresses;
    private final Counter elections;
    private final Counter stepDowns;
    private final Counter conflicts;
    private final Counter truncatedEntries;
    private final Counter restarts;
    private final Counter rebases;
    private final List<LongConsumer> rebaseListeners = new CopyOnWriteArrayList<>();
    private final Set<String> lagGauges = ConcurrentHashMap.newKeySet();
    private volatile StatusSnapshot latest;
    private final double maxLagSeconds;
    private boolean lagging;
    private Leadership previous;
    private long lastCampaignTerm;

    public ConsensusMetrics(MeterRegistry registry, CommitWatchers watchers, Map<String, String> apiAddresses,
            java.time.Duration maxReplicationLag) {
        this.maxLagSeconds = maxReplicationLag.toMillis() / 1000.0;
        this.registry = registry;
        this.watchers = watchers;
        this.apiAddresses = apiAddresses;
        this.elections = Counter.builder("stemedb.cluster.elections").description("Campaigns this node started").register(registry);
        this.stepDowns = Counter.builder("stemedb.cluster.step.downs").description("Times this node stopped being primary")
                .register(registry);
        this.conflicts = Counter.builder("stemedb.cluster.primary.conflicts")
                .description("Times this node heard from two primaries in one term (must stay 0)").register(registry);
        this.restarts = Counter.builder("stemedb.replication.consensus.restarts")
                .description("Times the consensus started again from the journal after a journal call failed").register(registry);
        this.rebases = Counter.builder("stemedb.replication.rebases")
                .description("Times this replica's journal continued after a base because the primary no longer held what it lacked")
                .register(registry);
        this.truncatedEntries = Counter.builder("stemedb.replication.truncated.entries")
                .description("Uncommitted entries this replica's journal dropped to match the primary's log").register(registry);
        Gauge.builder("stemedb.cluster.is.primary", this, m -> m.latest != null && m.latest.role() == Role.PRIMARY ? 1 : 0)
                .description("1 while this node is the primary").register(registry);
        Gauge.builder("stemedb.cluster.primary.count", this, m -> m.latest != null && m.latest.primaryId() != null ? 1 : 0)
                .description("Primaries this node knows of in its current term").register(registry);
        Gauge.builder("stemedb.cluster.term", this, m -> m.latest == null ? 0 : m.latest.term())
                .description("This node's current term").register(registry);
        Gauge.builder("stemedb.cluster.commit.index", this, m -> m.latest == null ? 0 : m.latest.commitIndex())
                .description("Highest log index this node knows committed").register(registry);
        Gauge.builder("stemedb.cluster.members", this, m -> m.latest == null ? 0 : m.latest.configuration().members().size())
                .description("Members (voters and learners) of the configuration in force").register(registry);
    }

    /** The gauges that need the runtime and transport once they exist. */
    public void bind(ConsensusRuntime runtime, PeerLinks peers) {
        Gauge.builder("stemedb.replication.handoffs.waiting", runtime, ConsensusRuntime::handoffsWaiting)
                .description("Records dropped by a truncation, not yet durable on a primary").register(registry);
        FunctionCounter.builder("stemedb.network.bytes.sent", peers, PeerLinks::bytesSent)
                .description("Consensus bytes sent to other nodes").baseUnit("bytes").register(registry);
        FunctionCounter.builder("stemedb.replication.messages.dropped", peers, PeerLinks::dropped)
                .description("Consensus messages dropped on the way out (full queue, unreachable peer)").register(registry);
    }

    @Override
    public void leadership(Leadership leadership) {
        Leadership before = previous;
        previous = leadership;
        if ((leadership.role() == Role.CANDIDATE || leadership.role() == Role.PRIMARY) && leadership.term() > lastCampaignTerm) {
            // A campaign raises the term; a lone voter goes from replica to primary in one step.
            lastCampaignTerm = leadership.term();
            elections.increment();
        }
        if (leadership.role() == Role.PRIMARY && (before == null || before.role() != Role.PRIMARY)) {
            log.info("elected primary for term {}", leadership.term());
        }
        if (before != null && before.role() == Role.PRIMARY && leadership.role() != Role.PRIMARY) {
            stepDowns.increment();
            log.warn("stepped down as primary (term {}, now {})", leadership.term(), leadership.role().wireName());
        }
        if (before != null && before.term() == leadership.term() && before.primaryId() != null
                && leadership.primaryId() != null && !before.primaryId().equals(leadership.primaryId())) {
            conflicts.increment();
            log.error("multiple primaries detected in term {}: {} and {}", leadership.term(), before.primaryId(),
                    leadership.primaryId());
        }
    }

    @Override
    public void statusChanged(StatusSnapshot status) {
        latest = status;
        lagging = isLagging(status);
        registerLagGauges(status);
        watchers.publish(ControlService.updateOf(status, apiAddresses, lagging));
    }

    @Override
    public void ticked(StatusSnapshot status) {
        latest = status;
        registerLagGauges(status);
        boolean nowLagging = isLagging(status);
        if (nowLagging != lagging) {
            lagging = nowLagging;
            if (lagging) {
                log.warn("fewer than replication.factor - 1 replicas are within max_replication_lag_seconds ({} s): writes"
                        + " wait (503 replication_lag) until they catch up", maxLagSeconds);
            }
            watchers.publish(ControlService.updateOf(status, apiAddresses, lagging));
        }
    }

    /** Backpressure: on the primary, fewer than W - 1 voting replicas are within the lag limit. */
    private boolean isLagging(StatusSnapshot status) {
        if (status.role() != Role.PRIMARY || status.writeQuorum() <= 1) {
            return false;
        }
        int within = 0;
        for (Map.Entry<String, Double> replica : status.lagSeconds().entrySet()) {
            if (!replica.getKey().equals(status.nodeId()) && status.configuration().isVoter(replica.getKey())
                    && replica.getValue() <= maxLagSeconds && status.lastHeard().getOrDefault(replica.getKey(), Long.MIN_VALUE)
                            > status.now() - (long) (maxLagSeconds * 1000)) {
                within++;
            }
        }
        return within < status.writeQuorum() - 1;
    }

    private void registerLagGauges(StatusSnapshot status) {
        for (String member : status.lagSeconds().keySet()) {
            if (!member.equals(status.nodeId()) && lagGauges.add(member)) {
                Supplier<Number> lag = () -> {
                    StatusSnapshot now = latest;
                    return now == null ? 0 : now.lagSeconds().getOrDefault(member, 0.0);
                };
                Gauge.builder("stemedb.replication.lag", lag).description("How far behind the primary a replica is")
                        .baseUnit("seconds").tag("replica", member).register(registry);
            }
        }
    }

    @Override
    public void restarting(Throwable cause, long retryInMillis) {
        restarts.increment();
        log.warn("consensus starts again from the journal in {} ms: a call to the local wal-service failed ({})", retryInMillis,
                cause.toString());
    }

    @Override
    public void rebased(long base, long baseTerm) {
        rebases.increment();
        log.warn("journal rebased: it continues after index {} (term {}), which the primary's log no longer reaches back to;"
                + " the store is filled by anti-entropy", base, baseTerm);
        for (LongConsumer listener : rebaseListeners) {
            listener.accept(base);
        }
    }

    /** {@code listener} is told the base of every rebase of this node's journal (on the consensus thread: keep it short). */
    public void onRebase(LongConsumer listener) {
        rebaseListeners.add(listener);
    }

    @Override
    public void truncated(long fromIndex, int entries) {
        truncatedEntries.increment(entries);
        log.warn("journal truncated from index {}: {} uncommitted entries dropped, their records handed to the primary",
                fromIndex, entries);
    }
}
