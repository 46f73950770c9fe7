package io.stemedb.wal.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the wal-service ({@code stemedb.wal.*}); defaults and units are also listed in
 * wal-service/README.md.
 *
 * @param dir                  directory of the journal's segment files; default {@code ./data/wal}
 * @param rollCycle            Chronicle roll cycle, i.e. how often a new segment file starts;
 *                             default {@code FAST_DAILY} (one file per UTC day)
 * @param segmentMaxSize       start a new segment file once the current one holds about this many
 *                             bytes of entries, whatever the roll cycle; 0 rotates by time only;
 *                             default 1GB
 * @param maxEntrySize         largest payload one entry may carry; default 1MB
 * @param logFsyncErrors       log each failed fsync with its stack trace (runbook key
 *                             {@code [wal] log_fsync_errors}); default true
 * @param groupCommit          batching of fsyncs
 * @param read                 streams of entries to readers
 * @param recovery             what happens after damage or a failed write
 * @param retention            when old segments are deleted
 */
@Validated
@ConfigurationProperties("stemedb.wal")
public record WalProperties(
        @DefaultValue("./data/wal") Path dir,
        @DefaultValue("FAST_DAILY") String rollCycle,
        @DefaultValue("1GB") DataSize segmentMaxSize,
        @DefaultValue("1MB") DataSize maxEntrySize,
        @DefaultValue("true") boolean logFsyncErrors,
        @DefaultValue GroupCommit groupCommit,
        @DefaultValue Read read,
        @DefaultValue Recovery recovery,
        @DefaultValue Retention retention) {

    /**
     * @param requiredConsumers  consumers that must have reported the lowest index they need
     *                           (gRPC {@code Retain}) before any segment is deleted; default
     *                           {@code index} (api-service's query index, which reports only once
     *                           it can restart from a snapshot, so until then nothing is deleted)
     * @param keepSegments       newest segments never deleted; default 2
     * @param checkInterval      time between retention passes; 0 disables retention; default 1m
     * @param keepTruncations    truncations whose removed segments stay in {@code truncated/} (the
     *                           older ones' files are deleted after each truncation); default 3
     */
    public record Retention(
            @DefaultValue("index") java.util.List<String> requiredConsumers,
            @DefaultValue("2") int keepSegments,
            @DefaultValue("1m") Duration checkInterval,
            @DefaultValue("3") int keepTruncations) {}

    /**
     * @param cutDamagedTail  at start-up, cut a damaged entry in the newest segment and everything
     *                        after it (a write that a crash interrupted, never acknowledged); when
     *                        false the service refuses to start instead; default true
     * @param retryInterval   after a failed write or fsync, how often to try rebuilding the journal
     *                        from its durable entries and taking appends again; 0 keeps the
     *                        journal unwritable until restart; default 1s
     */
    public record Recovery(
            @DefaultValue("true") boolean cutDamagedTail,
            @DefaultValue("1s") Duration retryInterval) {}

    /**
     * @param maxBatchEntries    most entries per fsync; default 4096
     * @param maxWait            extra time to gather a batch when no more appends are queued;
     *                           default 0ms (no added latency)
     * @param maxPendingAppends  appends that may queue for the committer before further ones are
     *                           refused as overloaded; default 10000
     */
    public record GroupCommit(
            @DefaultValue("4096") int maxBatchEntries,
            @DefaultValue("0ms") Duration maxWait,
            @DefaultValue("10000") int maxPendingAppends) {}

    /**
     * @param maxStreams     concurrent Read streams; default 64
     * @param pollInterval   longest a following stream sleeps before re-checking for new entries or
     *                       cancellation (it is woken at once by a commit); default 500ms
     */
    public record Read(
            @DefaultValue("64") int maxStreams,
            @DefaultValue("500ms") Duration pollInterval) {}
}
