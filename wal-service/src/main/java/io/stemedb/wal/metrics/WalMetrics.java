package io.stemedb.wal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stemedb.wal.groupcommit.CommitObserver;
import io.stemedb.wal.journal.JournalEvents;
import java.util.concurrent.TimeUnit;

/**
 * The wal-service's meters. Names are the ones the runbooks and alerts use:
 * <ul>
 *   <li>{@code stemedb_wal_fsync_duration_seconds} — summary with quantiles 0.5, 0.99, 0.999 (the
 *       WALFsyncSlow alert reads {@code quantile="0.99"});</li>
 *   <li>{@code stemedb_wal_fsync_errors_total{segment}} — failed writes or fsyncs, per segment
 *       file; present at 0 for the segment in use so that {@code rate()} and alerts see it;</li>
 *   <li>{@code stemedb_wal_segment_rotations_total} — segment files started while running;</li>
 *   <li>{@code stemedb_wal_entries_appended_total}, {@code stemedb_wal_payload_bytes_total};</li>
 *   <li>{@code stemedb_wal_group_commit_entries} — entries per fsync (the group-commit factor);</li>
 *   <li>{@code stemedb_wal_tail_cuts_total{reason}} — tails removed at start-up ({@code damaged})
 *       or after a failure ({@code not_durable});</li>
 *   <li>{@code stemedb_wal_recovery_attempts_total{outcome}} — attempts to take appends again
 *       after a failed write or fsync ({@code succeeded}, {@code failed});</li>
 *   <li>{@code stemedb_wal_replica_appends_total} — replica appends completed;</li>
 *   <li>{@code stemedb_wal_truncations_total}, {@code stemedb_wal_entries_dropped_total} —
 *       truncations (a replica's, or one an interrupted run left, finished at the open) and the
 *       entries they dropped.</li>
 * </ul>
 * The gauges ({@code stemedb_wal_fenced_term}, {@code stemedb_wal_primary}, ...) are registered
 * where their values live ({@code WalConfiguration}).
 */
public final class WalMetrics implements CommitObserver, JournalEvents {

    private final MeterRegistry registry;
    private final Timer fsyncDuration;
    private final Counter rotations;
    private final Counter entriesAppended;
    private final Counter bytesAppended;
    private final DistributionSummary entriesPerFsync;
    private final Counter replicaAppends;
    private final Counter truncations;
    private final Counter entriesDropped;

    public WalMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.fsyncDuration = Timer.builder("stemedb.wal.fsync.duration")
                .description("Time to make one group-commit batch durable (fdatasync of the segment files)")
                .publishPercentiles(0.5, 0.99, 0.999)
                .register(registry);
        this.rotations = Counter.builder("stemedb.wal.segment.rotations")
                .description("Journal segment files started while running")
                .register(registry);
        this.entriesAppended = Counter.builder("stemedb.wal.entries.appended")
                .description("Entries made durable")
                .register(registry);
        this.bytesAppended = Counter.builder("stemedb.wal.payload")
                .description("Payload bytes made durable")
                .baseUnit("bytes")
                .register(registry);
        recoveryAttempts("succeeded");
        recoveryAttempts("failed");
        this.entriesPerFsync = DistributionSummary.builder("stemedb.wal.group.commit.entries")
                .description("Entries made durable by one fsync")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.replicaAppends = Counter.builder("stemedb.wal.replica.appends")
                .description("Replica appends completed (the consensus's writes on a replica)")
                .register(registry);
        this.truncations = Counter.builder("stemedb.wal.truncations")
                .description("Truncations: uncommitted suffixes dropped because a newer primary replaced them")
                .register(registry);
        this.entriesDropped = Counter.builder("stemedb.wal.entries.dropped")
                .description("Entries dropped by truncations")
                .register(registry);
    }

    @Override
    public void committed(long fsyncNanos, int entries, long bytes) {
        fsyncDuration.record(fsyncNanos, TimeUnit.NANOSECONDS);
        entriesAppended.increment(entries);
        bytesAppended.increment(bytes);
        entriesPerFsync.record(entries);
    }

    @Override
    public void failed(String segment, Throwable cause) {
        fsyncErrors(segment).increment();
    }

    @Override
    public void segmentOpened(String segmentName, boolean rotation) {
        fsyncErrors(segmentName);
        if (rotation) {
            rotations.increment();
        }
    }

    @Override
    public void tailCut(String segmentName, String reason, long keptThroughIndex, long documentsDropped) {
        Counter.builder("stemedb.wal.tail.cuts")
                .description("Journal tails cut: damaged entries at start-up, or entries never made durable after a failure")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void truncated(long fromIndex, long entriesDropped) {
        truncations.increment();
        this.entriesDropped.increment(entriesDropped);
    }

    @Override
    public void replicaAppended(int entries, int dropped) {
        replicaAppends.increment();
    }

    @Override
    public void recoveryAttempted(boolean succeeded) {
        recoveryAttempts(succeeded ? "succeeded" : "failed").increment();
    }

    private Counter recoveryAttempts(String outcome) {
        return Counter.builder("stemedb.wal.recovery.attempts")
                .description("Attempts to rebuild the journal and take appends again after a failed write or fsync")
                .tag("outcome", outcome)
                .register(registry);
    }

    private Counter fsyncErrors(String segment) {
        return Counter.builder("stemedb.wal.fsync.errors")
                .description("Journal writes or fsyncs that failed; nothing in the failed batch was acknowledged")
                .tag("segment", segment)
                .register(registry);
    }
}
