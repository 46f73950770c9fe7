package io.stemedb.replication.merkle;

import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.proto.antientropy.SyncSession;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills the store of a replica whose journal was rebased. A rebase takes the entries up to its
 * base without their records reaching the store (the primary's log no longer held them), so the
 * store lacks whatever it had not applied. Once the store's applied index has reached the base
 * (the index skips to it), this asks the primary to sync its store with this one, unforced: the
 * records this store lacks at or below its applied index are appended to the primary's log again
 * and arrive here the usual way; those above it are the log's to bring. Until the primary takes
 * the request it is asked again, every second while the store is behind the base, with a
 * doubling pause (to 30 s) while the primary is unknown or refuses.
 *
 * <p>Also at start: a journal whose base is still a rebase's may have been rebased by a process
 * that died before the fill, or its store restored from a snapshot older than the base.
 *
 * <p>Metric: {@code stemedb_replication_rebase_fills_total{outcome=started|failed}}.
 */
public final class RebaseFill implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RebaseFill.class);
    private static final long CHECK_MILLIS = 1_000;
    private static final long MAX_PAUSE_MILLIS = 30_000;

    private final AntiEntropyService service;
    private final Supplier<String> primary;
    private final LongSupplier rebasedBaseAtStart;
    private final Map<String, Counter> outcomes;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rebase-fill");
        thread.setDaemon(true);
        return thread;
    });
    /** The base still to fill up to; 0 for none. Consensus thread writes, timer reads. */
    private volatile long pendingBase;
    private long pauseMillis = CHECK_MILLIS;
    private long nextAttemptAt;

    /**
     * @param primary            the primary this node follows, null while unknown
     * @param rebasedBaseAtStart the journal's base at start if it is a rebase's, else 0
     */
    public RebaseFill(AntiEntropyService service, Supplier<String> primary, LongSupplier rebasedBaseAtStart,
            MeterRegistry registry) {
        this.service = service;
        this.primary = primary;
        this.rebasedBaseAtStart = rebasedBaseAtStart;
        this.outcomes = Map.of("started", counter(registry, "started"), "failed", counter(registry, "failed"));
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("stemedb.replication.rebase.fills").tag("outcome", outcome)
                .description("Requests of a rebased replica for the primary to sync its store with this one").register(registry);
    }

    public void start() {
        timer.execute(() -> {
            try {
                long base = rebasedBaseAtStart.getAsLong();
                if (base > 0) {
                    rebased(base);
                }
            } catch (RuntimeException e) {
                log.debug("cannot tell whether the journal was rebased: {}", e.toString());
            }
        });
        timer.scheduleWithFixedDelay(this::attempt, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The journal continues after {@code base}: fill the store up to it. */
    public void rebased(long base) {
        if (base > pendingBase) {
            pendingBase = base;
        }
    }

    /** The base a fill is still waiting for, 0 if none. */
    public long pendingBase() {
        return pendingBase;
    }

    private void attempt() {
        long base = pendingBase;
        long now = System.currentTimeMillis();
        if (base == 0 || now < nextAttemptAt) {
            return;
        }
        try {
            long applied = service.localAppliedIndex();
            if (applied < base) {
                return; // the index has not skipped to the base yet: a sync now would leave its records to the log
            }
            String to = primary.get();
            if (to == null) {
                backOff(now, "no primary is known");
                return;
            }
            SyncSession session = service.askForSync(to);
            outcomes.get("started").increment();
            if (pendingBase == base) {
                pendingBase = 0;
            }
            pauseMillis = CHECK_MILLIS;
            log.info("store of this rebased replica (applied index {}, base {}) is being filled: {} syncs with it ({} ranges)",
                    applied, base, to, session.getRanges());
        } catch (StatusRuntimeException | IllegalStateException e) {
            outcomes.get("failed").increment();
            backOff(now, e.toString());
        }
    }

    private void backOff(long now, String why) {
        log.info("filling the store after a rebase waits {} ms: {}", pauseMillis, why);
        nextAttemptAt = now + pauseMillis;
        pauseMillis = Math.min(MAX_PAUSE_MILLIS, pauseMillis * 2);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
