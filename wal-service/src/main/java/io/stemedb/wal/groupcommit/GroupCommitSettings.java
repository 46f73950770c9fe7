package io.stemedb.wal.groupcommit;

import java.time.Duration;

/**
 * @param maxBatchEntries     most entries made durable by one fsync; a single append is never split,
 *                            so a batch may exceed this by one append
 * @param maxWait             how long the committer waits for more appends before an fsync when
 *                            the queue runs dry; zero means never wait (appends arriving during an
 *                            fsync already form the next batch, which is where group commit gets
 *                            its gain)
 * @param maxPendingAppends   appends that may wait for the committer; beyond it, appends are
 *                            refused as overloaded instead of queueing without bound
 * @param logFsyncErrors      log every failed fsync with its cause (runbook key
 *                            {@code [wal] log_fsync_errors})
 * @param recoveryInterval    after a failed write or fsync, how often the committer tries to bring
 *                            the journal back (see {@link GroupCommitter}); zero disables it, so a
 *                            failure lasts until restart
 */
public record GroupCommitSettings(int maxBatchEntries, Duration maxWait, int maxPendingAppends, boolean logFsyncErrors,
        Duration recoveryInterval) {

    public GroupCommitSettings {
        if (maxBatchEntries < 1) {
            throw new IllegalArgumentException("maxBatchEntries must be at least 1");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative");
        }
        if (recoveryInterval.isNegative()) {
            throw new IllegalArgumentException("recoveryInterval must not be negative");
        }
        if (maxPendingAppends < 1) {
            throw new IllegalArgumentException("maxPendingAppends must be at least 1");
        }
    }
}
