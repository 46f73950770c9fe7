package io.stemedb.replication.merkle;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic anti-entropy: every {@code interval}, while this node is the writable primary, an
 * {@link AntiEntropyService#antiEntropyRound} compares its store with every other member's and
 * syncs where they differ, so that a divergence nobody noticed (a replica's lost records, a bug)
 * is found and repaired without an operator. Only the primary runs rounds: it is compared with
 * every member, so every pair is covered, and its own journal takes the records at once.
 */
public final class AntiEntropyRounds implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AntiEntropyRounds.class);

    private final AntiEntropyService service;
    private final BooleanSupplier writablePrimary;
    private final Supplier<Collection<String>> members;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "anti-entropy-rounds");
        thread.setDaemon(true);
        return thread;
    });

    /** @param interval time between rounds; zero or negative: no rounds */
    public AntiEntropyRounds(AntiEntropyService service, BooleanSupplier writablePrimary,
            Supplier<Collection<String>> members, Duration interval) {
        this.service = service;
        this.writablePrimary = writablePrimary;
        this.members = members;
        this.interval = interval;
    }

    public void start() {
        if (!interval.isZero() && !interval.isNegative()) {
            timer.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void round() {
        try {
            if (!writablePrimary.getAsBoolean()) {
                return;
            }
            List<String> started = service.antiEntropyRound(members.get());
            if (!started.isEmpty()) {
                log.info("anti-entropy round: the stores of {} differ from this primary's; syncing", started);
            }
        } catch (RuntimeException e) {
            log.warn("anti-entropy round failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
