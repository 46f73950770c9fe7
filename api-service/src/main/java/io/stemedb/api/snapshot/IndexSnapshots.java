package io.stemedb.api.snapshot;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.common.model.LogRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the query index: written in the background every so often, loaded at start so
 * that only the journal's tail after the snapshot is replayed. After each snapshot the
 * wal-service is told the index no longer needs the entries it covers (retention).
 */
public class IndexSnapshots {

    private static final Logger log = LoggerFactory.getLogger(IndexSnapshots.class);
    private static final int KEEP = 2;

    private final Path directory;
    private final AssertionIndex index;
    private final Timer writeDuration;
    private final Counter failures;
    private volatile long lastSnapshotIndex;
    private volatile long loadedIndex;

    public IndexSnapshots(Path directory, AssertionIndex index, MeterRegistry registry) {
        this.directory = directory;
        this.index = index;
        this.writeDuration = Timer.builder("stemedb.index.snapshot.duration")
                .description("Time to write one snapshot of the query index")
                .register(registry);
        this.failures = Counter.builder("stemedb.index.snapshot.errors")
                .description("Index snapshots that could not be written or read")
                .register(registry);
        Gauge.builder("stemedb.index.snapshot.index", this, snapshots -> snapshots.lastSnapshotIndex)
                .description("Log index covered by the newest snapshot on disk")
                .register(registry);
        Gauge.builder("stemedb.index.snapshot.loaded.index", this, snapshots -> snapshots.loadedIndex)
                .description("Log index of the snapshot loaded at start (0: none; the journal was replayed from the start)")
                .register(registry);
    }

    /**
     * Loads the newest intact snapshot into the (empty) index; a damaged one is skipped for the one
     * before it. Returns the index it covers, 0 when there is none.
     */
    public long loadNewest() {
        for (Path file : snapshotsNewestFirst()) {
            long started = System.nanoTime();
            try {
                long covered = SnapshotFile.read(file, index::expect, index::apply);
                index.advanceTo(covered);
                loadedIndex = covered;
                lastSnapshotIndex = covered;
                log.info("index loaded from snapshot {} (up to index {}, {} assertions) in {} ms", file.getFileName(),
                        covered, index.assertionCount(), (System.nanoTime() - started) / 1_000_000);
                return covered;
            } catch (IOException | RuntimeException e) {
                failures.increment();
                if (index.appliedIndex() > 0) {
                    // Records from the damaged file are already in the index; only a restart clears it.
                    throw new IllegalStateException("snapshot " + file + " failed half-way; move it away and restart", e);
                }
                log.warn("skipping damaged index snapshot {}: {}", file, e.toString());
            }
        }
        return 0;
    }

    /** Writes a snapshot of everything applied now; returns the index it covers. */
    public synchronized long write() throws IOException {
        long upTo = index.appliedIndex();
        if (upTo <= lastSnapshotIndex) {
            return lastSnapshotIndex;
        }
        List<LogRecord> records = index.records();
        long started = System.nanoTime();
        try {
            Path file = SnapshotFile.write(directory, upTo, records);
            writeDuration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            lastSnapshotIndex = upTo;
            log.info("index snapshot {} written ({} records) in {} ms", file.getFileName(), records.size(),
                    (System.nanoTime() - started) / 1_000_000);
            deleteOlderThanTheNewest(KEEP);
            return upTo;
        } catch (IOException | RuntimeException e) {
            failures.increment();
            throw e;
        }
    }

    public long lastSnapshotIndex() {
        return lastSnapshotIndex;
    }

    private List<Path> snapshotsNewestFirst() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(SnapshotFile.PREFIX) && name.endsWith(SnapshotFile.SUFFIX);
            }).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            log.warn("cannot list index snapshots in {}: {}", directory, e.toString());
            return List.of();
        }
    }

    private void deleteOlderThanTheNewest(int keep) {
        List<Path> all = snapshotsNewestFirst();
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                log.warn("cannot delete old index snapshot {}: {}", old, e.toString());
            }
        }
    }
}
