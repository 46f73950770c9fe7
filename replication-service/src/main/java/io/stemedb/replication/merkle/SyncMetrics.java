package io.stemedb.replication.merkle;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The meters of Merkle sync: {@code stemedb_merkle_sync_progress{peer}} (0 to 1, the newest
 * session's with each peer), {@code stemedb_merkle_sync_duration_seconds{outcome}},
 * {@code stemedb_merkle_sync_errors_total{reason}}, {@code stemedb_merkle_sync_records_total{outcome}}
 * and {@code stemedb_merkle_sync_bytes_sent_total} / {@code _received_total}.
 */
final class SyncMetrics {

    /** Why a sync stopped, or refused a record. */
    static final List<String> ERROR_REASONS = List.of("content_hash", "unreadable", "peer_unavailable",
            "store_unavailable", "primary_unavailable", "tree_shape");
    static final List<String> RECORD_OUTCOMES = List.of("handed_over", "refused", "left_to_log");

    private final MeterRegistry registry;
    private final Map<String, Counter> errors = new TreeMap<>();
    private final Map<String, Counter> records = new TreeMap<>();
    private final Map<String, Timer> durations = new TreeMap<>();
    private final Set<String> peersWithGauge = ConcurrentHashMap.newKeySet();
    private final Counter bytesSent;
    private final Counter bytesReceived;

    SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String reason : ERROR_REASONS) {
            errors.put(reason, Counter.builder("stemedb.merkle.sync.errors")
                    .description("Merkle syncs interrupted, and records a sync refused, by reason")
                    .tag("reason", reason).register(registry));
        }
        for (String outcome : RECORD_OUTCOMES) {
            records.put(outcome, Counter.builder("stemedb.merkle.sync.records")
                    .description("Records only one side of a sync held: handed to the primary, refused (bytes not matching"
                            + " their id), or left to the log that is bringing them")
                    .tag("outcome", outcome).register(registry));
        }
        for (String outcome : List.of("completed", "interrupted")) {
            durations.put(outcome, Timer.builder("stemedb.merkle.sync.duration")
                    .description("Merkle syncs with another node, from start (or resumption) to end")
                    .tag("outcome", outcome).register(registry));
        }
        bytesSent = Counter.builder("stemedb.merkle.sync.bytes.sent")
                .description("Bytes of records this node sent for Merkle sync: handed to the primary, and read by peers")
                .baseUnit("bytes").register(registry);
        bytesReceived = Counter.builder("stemedb.merkle.sync.bytes.received")
                .description("Bytes this node received from peers for Merkle sync (their ids and records)")
                .baseUnit("bytes").register(registry);
    }

    /** Shows the progress of the newest session with {@code peer}, from the first one on. */
    void watch(String peer, ToDoubleFunction<String> progress) {
        if (peersWithGauge.add(peer)) {
            Gauge.builder("stemedb.merkle.sync.progress", () -> progress.applyAsDouble(peer))
                    .description("Share (0 to 1) of the newest Merkle sync with the peer done; 1 once completed")
                    .tag("peer", peer).register(registry);
        }
    }

    void error(String reason, long count) {
        errors.get(reason).increment(count);
    }

    void records(String outcome, long count) {
        records.get(outcome).increment(count);
    }

    void ended(boolean completed, Duration took) {
        durations.get(completed ? "completed" : "interrupted").record(took);
    }

    void bytes(long received, long sent) {
        bytesReceived.increment(received);
        bytesSent.increment(sent);
    }
}
