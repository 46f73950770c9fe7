package io.stemedb.api.snapshot;

import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.wal.WalClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Writes an index snapshot every {@code interval} when at least {@code minEntries} entries were
 * applied since the last one, and once more on a clean shutdown; after each, tells the
 * wal-service (consumer {@code index}) that entries up to the snapshot are no longer needed.
 * Snapshots run on their own thread, never on a request's path.
 */
public class SnapshotScheduler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SnapshotScheduler.class);
    static final String RETENTION_CONSUMER = "index";

    private final IndexSnapshots snapshots;
    private final AssertionIndex index;
    private final WalClient wal;
    private final Duration interval;
    private final long minEntries;
    private final boolean onShutdown;
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public SnapshotScheduler(IndexSnapshots snapshots, AssertionIndex index, WalClient wal, Duration interval, long minEntries,
            boolean onShutdown) {
        this.onShutdown = onShutdown;
        this.snapshots = snapshots;
        this.index = index;
        this.wal = wal;
        this.interval = interval;
        this.minEntries = minEntries;
    }

    @Override
    public void start() {
        running = true;
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "index-snapshots");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.execute(() -> reportRetention(snapshots.lastSnapshotIndex()));
        if (!interval.isZero()) {
            scheduler.scheduleWithFixedDelay(this::snapshotIfDue, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void snapshotIfDue() {
        if (index.appliedIndex() - snapshots.lastSnapshotIndex() >= minEntries) {
            snapshotNow();
        }
    }

    /** Writes a snapshot now (also used by the admin endpoint); returns the index it covers. */
    public long snapshotNow() {
        try {
            long covered = snapshots.write();
            reportRetention(covered);
            return covered;
        } catch (Exception e) {
            log.warn("index snapshot failed; the journal keeps everything and the next attempt comes later: {}", e.toString());
            throw new IllegalStateException("index snapshot failed: " + e.getMessage(), e);
        }
    }

    private void reportRetention(long covered) {
        if (covered <= 0) {
            return;
        }
        try {
            wal.retain(RETENTION_CONSUMER, covered + 1);
        } catch (RuntimeException e) {
            log.debug("could not report retention to the wal-service: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (onShutdown && index.appliedIndex() > snapshots.lastSnapshotIndex()) {
            try {
                snapshots.write();
            } catch (Exception e) {
                log.warn("no index snapshot at shutdown: {}", e.toString());
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stop before the tailer and the wal channel, so the shutdown snapshot sees a settled index. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
