package io.stemedb.api.index;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.wal.WalClient;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.model.LogRecord;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.proto.wal.WalEntry;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the {@link AssertionIndex} from the local journal: follows the wal-service's Read stream
 * from the last applied index, reconnecting when the stream breaks.
 *
 * <p>At start it asks the wal-service where the journal ends and reports {@link #isCaughtUp()}
 * only once the index has reached that point. Until then the node takes no writes: the clock
 * must first have observed every timestamp in the journal, or a new assertion could be stamped
 * older than one written before a restart. In a replicated node it follows committed entries
 * only, so catching up waits for the consensus to commit the journal's tail (at once on a lone
 * node, with the primary's first heartbeat on a replica).
 *
 * <p>An entry that cannot be decoded stops the tailer for good ({@link #failure()}): skipping it
 * would silently drop an assertion from every query. So do entries retention deleted before the
 * index had them; entries a rebase took are skipped, counted ({@code stemedb_index_skipped_entries_total}),
 * and filled by anti-entropy.
 */
public class WalTailer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WalTailer.class);

    private final WalClient wal;
    private final AssertionIndex index;
    private final HybridLogicalClock clock;
    private final Duration retry;
    private final boolean committedOnly;
    private final Counter streamErrors;
    private final Counter unknownEntries;
    private final Counter skippedEntries;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile String failure;
    private volatile long catchUpTarget = -1;
    private volatile WalClient.FollowStream stream;
    private Thread thread;

    /**
     * @param committedOnly follow only committed entries (a replicated node): the index never holds
     *     an entry that a new primary's log could still replace
     */
    public WalTailer(WalClient wal, AssertionIndex index, HybridLogicalClock clock, Duration retry, boolean committedOnly,
            MeterRegistry registry) {
        this.committedOnly = committedOnly;
        this.wal = wal;
        this.index = index;
        this.clock = clock;
        this.retry = retry;
        this.streamErrors = Counter.builder("stemedb.index.tail.errors")
                .description("Times the index's stream from the wal-service broke and was reopened")
                .register(registry);
        this.skippedEntries = Counter.builder("stemedb.index.skipped.entries")
                .description("Journal entries the index skipped because a rebase took them (their records come by anti-entropy)")
                .register(registry);
        this.unknownEntries = Counter.builder("stemedb.index.unknown.entries")
                .description("Journal entries of a type this version does not know (written by a newer version), skipped")
                .register(registry);
    }

    public boolean isCaughtUp() {
        return caughtUp;
    }

    /** The journal index the index must reach before the node is ready, or -1 while unknown. */
    public long catchUpTarget() {
        return catchUpTarget;
    }

    /** Why the tailer stopped for good, or null. */
    public String failure() {
        return failure;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::run, "index-tailer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        WalClient.FollowStream open = stream;
        if (open != null) {
            open.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        boolean lastAttemptFailed = false;
        while (running && failure == null) {
            try {
                if (!caughtUp) {
                    learnCatchUpTarget();
                }
                try (WalClient.FollowStream open = wal.follow(index.appliedIndex() + 1, committedOnly)) {
                    stream = open;
                    if (lastAttemptFailed) {
                        log.info("index stream from the wal-service reopened at index {}", index.appliedIndex() + 1);
                        lastAttemptFailed = false;
                    }
                    while (running) {
                        apply(open.next());
                    }
                }
            } catch (StatusRuntimeException e) {
                if (!running) {
                    return;
                }
                if (e.getStatus().getCode() == Status.Code.OUT_OF_RANGE && skippedToRebase()) {
                    continue;
                }
                if (e.getStatus().getCode() == Status.Code.OUT_OF_RANGE) {
                    failure = "the journal no longer holds the entries after index " + index.appliedIndex()
                            + " (retention deleted them) and no snapshot covers them: " + describe(e);
                    log.error("index tailer stopped: {}", failure);
                    return;
                }
                streamErrors.increment();
                if (!lastAttemptFailed) {
                    log.warn("index stream from the wal-service broke ({}); retrying every {}", describe(e), retry);
                    lastAttemptFailed = true;
                }
                pause();
            } catch (RuntimeException e) {
                failure = "cannot apply journal entry after index " + index.appliedIndex() + ": " + e;
                log.error("index tailer stopped: {}", failure, e);
            }
        }
    }

    /**
     * The entries after the applied index are gone because the consensus rebased the journal (the
     * primary no longer held what this node lacked): the index continues after the base, and the
     * records up to it reach this store by anti-entropy (the replication-service asks the primary
     * for a sync once the index is past the base). Counted, and logged, never silent. False when
     * the journal's base is retention's: then the index needs entries it was promised, and stops.
     */
    private boolean skippedToRebase() {
        StatusResponse status = wal.status();
        long base = status.getFirstIndex() - 1;
        long applied = index.appliedIndex();
        if (!status.getBaseRebased() || base <= applied) {
            return false;
        }
        skippedEntries.increment(base - applied);
        log.warn("the journal was rebased: it continues after index {}, so entries {}..{} are skipped here; their records"
                + " reach this store by anti-entropy", base, applied + 1, base);
        index.advanceTo(base);
        markCaughtUpIfThere();
        return true;
    }

    private void learnCatchUpTarget() {
        StatusResponse status = wal.status();
        // Committed entries only: what the journal knows committed now (0 right after a restart,
        // until the consensus tells it). A new primary takes writes only once the index has applied
        // its term's first entry, which is after everything earlier, so the clock is safe anyway.
        catchUpTarget = committedOnly ? status.getCommitIndex() : status.getLastDurableIndex();
        markCaughtUpIfThere();
    }

    private void apply(WalEntry entry) {
        long applied = index.appliedIndex();
        if (entry.getIndex() <= applied) {
            return;
        }
        if (entry.getIndex() != applied + 1) {
            throw new IllegalStateException("journal skipped from index " + applied + " to " + entry.getIndex());
        }
        LogRecord record = LogRecordCodec.decode(entry.getTypeValue(), entry.getPayload().toByteArray(), entry.getTerm(),
                entry.getIndex());
        if (record != null) {
            clock.observe(record.hlc());
            index.apply(record);
        } else if (LogRecordCodec.isConsensusEntry(entry.getTypeValue())) {
            index.advanceTo(entry.getIndex()); // a term's no-op or a configuration: no record to index
        } else {
            // A type a newer version wrote: skip it here, but never silently.
            unknownEntries.increment();
            index.advanceTo(entry.getIndex());
        }
        markCaughtUpIfThere();
    }

    private void markCaughtUpIfThere() {
        if (!caughtUp && catchUpTarget >= 0 && index.appliedIndex() >= catchUpTarget) {
            caughtUp = true;
            log.info("index caught up with the journal at index {} ({} assertions)", index.appliedIndex(), index.assertionCount());
        }
    }

    private void pause() {
        try {
            Thread.sleep(retry.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    }
}
