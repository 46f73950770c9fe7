package io.stemedb.api.drain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;

/**
 * Whether an operator has drained this node ({@code POST /v1/admin/node/drain}): while drained,
 * client requests are refused with 503 {@code draining} and {@code /v1/health} and the readiness
 * probe say 503, so load balancers take the node out; admin endpoints, health and metrics stay
 * open. Held in memory: a restart ends a drain (a node restarted after maintenance takes traffic).
 */
public class NodeDrain {

    private final Clock clock;
    private final Counter refused;
    private volatile Instant since;

    public NodeDrain(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        Gauge.builder("stemedb.node.draining", this, drain -> drain.isDraining() ? 1 : 0)
                .description("1 while an operator has drained this node (client requests refused, readiness false)")
                .register(registry);
        this.refused = Counter.builder("stemedb.node.drain.refused")
                .description("Client requests answered 503 draining because the node is drained").register(registry);
    }

    /** Starts a drain; returns when it began (the earlier start if it was already drained). */
    public synchronized Instant drain() {
        if (since == null) {
            since = clock.instant();
        }
        return since;
    }

    /** Ends a drain; true if the node was drained. */
    public synchronized boolean resume() {
        boolean was = since != null;
        since = null;
        return was;
    }

    public boolean isDraining() {
        return since != null;
    }

    /** When the drain began, or null. */
    public Instant since() {
        return since;
    }

    /** Counts one client request refused because of the drain. */
    public void refused() {
        refused.increment();
    }
}
