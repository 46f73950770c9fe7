package io.stemedb.api.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The node's write rate limits (Bucket4j token buckets): records per second for the whole node, and
 * per agent. Enforced in the api-service's write path, which every write crosses whichever port it
 * arrived on (:18180 directly, or :18181 through the gateway), so one limit holds for both and an
 * operator changes it on either port. 0 means unlimited. Each limit allows a burst of one
 * second's worth.
 *
 * <p>Per node: behind a load balancer every node has its own limit; since writes go to the
 * primary, the primary's limit is in effect the cluster's.
 */
public final class WriteRateLimits {

    /** Agents tracked at once; beyond it the per-agent buckets start afresh (a crude but bounded memory). */
    private static final int MAX_TRACKED_AGENTS = 100_000;

    private volatile Limits limits;
    private final Counter nodeRejections;
    private final Counter agentRejections;

    public WriteRateLimits(long maxPerSecond, long maxPerSecondPerAgent, MeterRegistry registry) {
        this.limits = new Limits(maxPerSecond, maxPerSecondPerAgent);
        this.nodeRejections = rejections(registry, "node");
        this.agentRejections = rejections(registry, "agent");
    }

    private static Counter rejections(MeterRegistry registry, String scope) {
        return Counter.builder("stemedb.rate.limit.rejections")
                .description("Writes refused with 429 by the write rate limits")
                .tag("scope", scope)
                .register(registry);
    }

    /**
     * Takes {@code records} tokens for {@code agentId} (null: no per-agent check).
     *
     * @throws RateLimitedException when a limit is exhausted
     */
    public void acquire(String agentId, int records) {
        acquire(agentId == null ? Map.of() : Map.of(agentId, records), records);
    }

    /**
     * Takes tokens for one write of {@code total} records, {@code perAgent} of them by each agent:
     * every agent's limit first, then the node's.
     *
     * @throws RateLimitedException when a limit is exhausted
     */
    public void acquire(Map<String, Integer> perAgent, int total) {
        Limits current = limits;
        if (current.perAgent > 0) {
            if (current.agents.size() > MAX_TRACKED_AGENTS) {
                current.agents.clear();
            }
            for (Map.Entry<String, Integer> agent : perAgent.entrySet()) {
                int records = agent.getValue();
                if (records > current.perAgent) {
                    agentRejections.increment();
                    throw new RateLimitedException("agent", 1, "a write of " + records + " records by " + agent.getKey()
                            + " exceeds the per-agent limit of " + current.perAgent + " per second; split it");
                }
                Bucket bucket = current.agents.computeIfAbsent(agent.getKey(), id -> bucket(current.perAgent));
                ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(records);
                if (!probe.isConsumed()) {
                    agentRejections.increment();
                    throw refused("agent", probe, "agent " + agent.getKey() + " is over its limit of " + current.perAgent
                            + " writes per second");
                }
            }
        }
        if (current.node != null) {
            if (total > current.perNode) {
                nodeRejections.increment();
                throw new RateLimitedException("node", 1, "a write of " + total + " records exceeds the node's limit of "
                        + current.perNode + " per second; split it");
            }
            ConsumptionProbe probe = current.node.tryConsumeAndReturnRemaining(total);
            if (!probe.isConsumed()) {
                nodeRejections.increment();
                throw refused("node", probe, "the node is over its write limit of " + current.perNode + " per second");
            }
        }
    }

    private static RateLimitedException refused(String scope, ConsumptionProbe probe, String message) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        return new RateLimitedException(scope, seconds, message + "; retry in " + seconds + " s");
    }

    /** Changes the limits at run time (0: unlimited); fresh buckets start full. */
    public void configure(long maxPerSecond, long maxPerSecondPerAgent) {
        limits = new Limits(maxPerSecond, maxPerSecondPerAgent);
    }

    public long maxPerSecond() {
        return limits.perNode;
    }

    public long maxPerSecondPerAgent() {
        return limits.perAgent;
    }

    private static Bucket bucket(long perSecond) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
    }

    private static final class Limits {
        final long perNode;
        final long perAgent;
        final Bucket node;
        final Map<String, Bucket> agents = new ConcurrentHashMap<>();

        Limits(long perNode, long perAgent) {
            if (perNode < 0 || perAgent < 0) {
                throw new IllegalArgumentException("limits must not be negative");
            }
            this.perNode = perNode;
            this.perAgent = perAgent;
            this.node = perNode > 0 ? bucket(perNode) : null;
        }
    }
}
