package io.stemedb.gateway.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The per-agent circuit breakers ({@code agent:<id>}), bounded and expiring. Agent ids come from
 * clients, and every breaker brings its own series to {@code /metrics}; kept for good, a client
 * cycling through ids would grow the breaker registry and the metrics without end. So a breaker
 * unused for {@code idleExpiry} is dropped, and at {@code maxAgents} the least recently used one
 * makes room. Both prefer closed breakers: an open or half-open one is remembered while it is in
 * that state (it is what an operator lists and resets), unless every tracked breaker is tripped
 * and room is still needed. Dropping a breaker removes its meters too (the registry's removal
 * event unbinds them), and a returning agent starts with a fresh, closed one.
 *
 * <p>Counted in {@code stemedb_gateway_agent_breakers_evicted_total{cause="idle"|"capacity"}};
 * {@code stemedb_gateway_agent_breakers} is how many are tracked.
 */
public final class AgentBreakers {

    static final String PREFIX = "agent:";
    /** How often, at most, idle breakers are looked for (on the request path, so not every time). */
    private static final long SWEEP_INTERVAL_NANOS = Duration.ofSeconds(5).toNanos();

    private final CircuitBreakerRegistry registry;
    private final int maxAgents;
    private final long idleExpiryNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();
    private final Counter idleEvictions;
    private final Counter capacityEvictions;
    private volatile long nextSweep;

    public AgentBreakers(CircuitBreakerRegistry registry, int maxAgents, Duration idleExpiry, MeterRegistry meters,
            LongSupplier nanoClock) {
        if (maxAgents < 1) {
            throw new IllegalArgumentException("stemedb.gateway.agent-breakers.max-agents must be at least 1");
        }
        this.registry = registry;
        this.maxAgents = maxAgents;
        this.idleExpiryNanos = idleExpiry.toNanos();
        this.nanoClock = nanoClock;
        this.nextSweep = nanoClock.getAsLong() + SWEEP_INTERVAL_NANOS;
        this.idleEvictions = evictions(meters, "idle");
        this.capacityEvictions = evictions(meters, "capacity");
        Gauge.builder("stemedb.gateway.agent.breakers", lastUsed, Map::size)
                .description("Per-agent circuit breakers the gateway tracks (bounded by stemedb.gateway.agent-breakers.max-agents)")
                .register(meters);
    }

    private static Counter evictions(MeterRegistry meters, String cause) {
        return Counter.builder("stemedb.gateway.agent.breakers.evicted")
                .description("Per-agent circuit breakers dropped, for being idle or to stay within the bound")
                .tag("cause", cause)
                .register(meters);
    }

    /** The breaker of this agent, created (closed) if it has none. */
    public CircuitBreaker of(String agentId) {
        long now = nanoClock.getAsLong();
        String name = PREFIX + agentId;
        if (lastUsed.put(name, now) == null) {
            makeRoom(name);
        }
        if (now - nextSweep >= 0) {
            nextSweep = now + SWEEP_INTERVAL_NANOS;
            dropIdle(now);
        }
        CircuitBreaker breaker = registry.circuitBreaker(name);
        // A concurrent makeRoom may have dropped the name in between: track what the registry holds.
        lastUsed.putIfAbsent(name, now);
        return breaker;
    }

    /** Agents tracked now. */
    public int size() {
        return lastUsed.size();
    }

    private void dropIdle(long now) {
        for (Map.Entry<String, Long> entry : lastUsed.entrySet()) {
            if (now - entry.getValue() >= idleExpiryNanos && isClosed(entry.getKey())
                    && lastUsed.remove(entry.getKey(), entry.getValue())) {
                registry.remove(entry.getKey());
                idleEvictions.increment();
            }
        }
    }

    private synchronized void makeRoom(String arriving) {
        int excess = lastUsed.size() - maxAgents;
        if (excess <= 0) {
            return;
        }
        List<Map.Entry<String, Long>> oldestFirst = new ArrayList<>(lastUsed.entrySet());
        oldestFirst.removeIf(entry -> entry.getKey().equals(arriving));
        // Closed breakers first, each group least recently used first.
        oldestFirst.sort(Comparator.comparing((Map.Entry<String, Long> entry) -> !isClosed(entry.getKey()))
                .thenComparingLong(Map.Entry::getValue));
        for (Map.Entry<String, Long> entry : oldestFirst) {
            if (excess <= 0) {
                break;
            }
            if (lastUsed.remove(entry.getKey(), entry.getValue())) {
                registry.remove(entry.getKey());
                capacityEvictions.increment();
                excess--;
            }
        }
    }

    private boolean isClosed(String name) {
        return registry.find(name).map(breaker -> breaker.getState() == CircuitBreaker.State.CLOSED).orElse(true);
    }
}
