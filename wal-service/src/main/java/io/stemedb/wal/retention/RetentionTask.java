package io.stemedb.wal.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.wal.journal.ChronicleJournal;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically deletes whole segments that no consumer needs any more ({@link RetentionFloors}),
 * always keeping the newest {@code keepSegments}. Counts deletions in
 * {@code stemedb_wal_segments_deleted_total}.
 */
public final class RetentionTask implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetentionTask.class);

    private final ChronicleJournal journal;
    private final RetentionFloors floors;
    private final int keepSegments;
    private final Counter deleted;
    private final ScheduledExecutorService scheduler;

    public RetentionTask(ChronicleJournal journal, RetentionFloors floors, int keepSegments, Duration interval,
            MeterRegistry registry) {
        this.journal = journal;
        this.floors = floors;
        this.keepSegments = keepSegments;
        this.deleted = Counter.builder("stemedb.wal.segments.deleted")
                .description("Segment files deleted by retention after every consumer had moved past them")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "wal-retention");
            thread.setDaemon(true);
            return thread;
        });
        if (!interval.isZero()) {
            scheduler.scheduleWithFixedDelay(this::runQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One retention pass; returns the segments deleted. */
    public List<String> runOnce() throws Exception {
        OptionalLong below = floors.deletableBelow();
        if (below.isEmpty()) {
            return List.of();
        }
        List<String> removed = journal.deleteSegmentsBelow(below.getAsLong(), keepSegments);
        deleted.increment(removed.size());
        return removed;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (Exception | InternalError e) {
            log.warn("WAL retention pass failed; will try again: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
