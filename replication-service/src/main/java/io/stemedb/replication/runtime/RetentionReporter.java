package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.Role;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the journal's retention from deleting entries a replica still needs: every few seconds it
 * reports, as retention consumer {@value #CONSUMER}, the lowest index to keep. On the primary that
 * is one past the lowest match index of the members heard from within {@code patience} (a member
 * silent for longer no longer holds the journal back; bringing it back is anti-entropy's job);
 * elsewhere, one past the last index (a replica ships nothing). Off the consensus thread: a slow
 * or failing report delays retention, never the consensus.
 */
public final class RetentionReporter implements AutoCloseable {

    public static final String CONSUMER = "replication";
    private static final Logger log = LoggerFactory.getLogger(RetentionReporter.class);

    private final Supplier<StatusSnapshot> status;
    private final JournalPort journal;
    private final LongConsumer compacted;
    private final long patienceMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "replication-retention");
        thread.setDaemon(true);
        return thread;
    });

    /** @param compacted told the journal's first index after each report (the consensus forgets what went before it) */
    public RetentionReporter(Supplier<StatusSnapshot> status, JournalPort journal, LongConsumer compacted, Duration patience) {
        this.status = status;
        this.journal = journal;
        this.compacted = compacted;
        this.patienceMillis = patience.toMillis();
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::report, 1, 5, TimeUnit.SECONDS);
    }

    private void report() {
        StatusSnapshot now = status.get();
        if (now == null) {
            return;
        }
        try {
            compacted.accept(journal.retain(CONSUMER, neededFrom(now, patienceMillis)));
        } catch (RuntimeException e) {
            log.debug("retention report failed: {}", e.toString());
        }
    }

    /** The lowest index this node must keep for the members it ships to. */
    static long neededFrom(StatusSnapshot status, long patienceMillis) {
        long needed = status.lastIndex() + 1;
        if (status.role() != Role.PRIMARY) {
            return needed;
        }
        for (Map.Entry<String, Long> member : status.matchIndexes().entrySet()) {
            if (member.getKey().equals(status.nodeId())) {
                continue;
            }
            Long heard = status.lastHeard().get(member.getKey());
            if (heard != null && status.now() - heard <= patienceMillis) {
                needed = Math.min(needed, member.getValue() + 1);
            }
        }
        return Math.max(1, needed);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
