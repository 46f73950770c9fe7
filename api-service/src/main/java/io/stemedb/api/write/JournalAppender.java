package io.stemedb.api.write;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.WalTailer;
import io.stemedb.api.wal.WalClient;
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.model.LogRecord;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.EntryToAppend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end of every write path: appends records through the wal-service as one contiguous run
 * (one group commit), answers only once they are durable, and then waits (briefly) for the local
 * index to apply them, so that the writer's next request, or a duplicate of this one, sees them.
 *
 * <p>Also remembers the highest index it has acknowledged, so that queries on this node can wait
 * for the index to reach it: a client that got 201 and then queries sees its write.
 */
public class JournalAppender implements RecordJournal {

    private final WalClient wal;
    private final WalTailer tailer;
    private final AssertionIndex index;
    private final long term;
    private final Duration indexWait;
    private final AtomicLong highestAcknowledged = new AtomicLong();
    private final Map<UnavailableReason, Counter> failures = new EnumMap<>(UnavailableReason.class);

    public JournalAppender(WalClient wal, WalTailer tailer, AssertionIndex index, long term, Duration indexWait,
            MeterRegistry registry) {
        this.wal = wal;
        this.tailer = tailer;
        this.index = index;
        this.term = term;
        this.indexWait = indexWait;
        for (UnavailableReason reason : UnavailableReason.values()) {
            failures.put(reason, Counter.builder("stemedb.api.write.failures")
                    .description("Writes answered 503, by reason")
                    .tag("reason", reason.wireName())
                    .register(registry));
        }
    }

    @Override
    public long term() {
        return term;
    }

    /** Refuses writes (503 {@code starting}) until the index has caught up with the journal. */
    @Override
    public void requireCaughtUp() {
        if (!tailer.isCaughtUp()) {
            long target = tailer.catchUpTarget();
            throw refuse(UnavailableReason.STARTING, target < 0
                    ? "the node is starting and has not reached its journal yet; retry shortly"
                    : "the node is loading its journal (up to index " + target + "); retry shortly", 1);
        }
    }

    /**
     * Appends the records (their term and index fields are ignored) and returns the log index each
     * got, in order.
     *
     * @throws UnavailableException when they cannot be made durable now (503)
     */
    public List<Long> append(List<? extends LogRecord> records) {
        return append(records, true);
    }

    /**
     * As {@link #append(List)}; with {@code awaitIndex} false the answer does not wait for the
     * local index (the caller must then not rely on the index holding the records yet).
     */
    @Override
    public List<Long> append(List<? extends LogRecord> records, boolean awaitIndex) {
        requireCaughtUp();
        List<EntryToAppend> entries = new ArrayList<>(records.size());
        for (LogRecord record : records) {
            entries.add(EntryToAppend.newBuilder()
                    .setTerm(term)
                    .setType(LogRecordCodec.typeOf(record))
                    .setPayload(ByteString.copyFrom(LogRecordCodec.encode(record)))
                    .build());
        }
        AppendResponse appended;
        try {
            appended = wal.append(entries).join();
        } catch (CompletionException e) {
            throw refusal(Status.fromThrowable(e.getCause()));
        }
        highestAcknowledged.accumulateAndGet(appended.getLastIndex(), Math::max);
        if (awaitIndex) {
            awaitIndex(appended.getLastIndex());
        }
        List<Long> indexes = new ArrayList<>(records.size());
        for (long at = appended.getFirstIndex(); at <= appended.getLastIndex(); at++) {
            indexes.add(at);
        }
        return indexes;
    }

    private void awaitIndex(long at) {
        try {
            // Durable already; if the index is slow the answer stands, the next reader waits instead.
            index.awaitApplied(at, indexWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits (up to the read-after-write timeout) until the index holds every write this node has
     * acknowledged: for a lookup that must see a write answered a moment ago.
     */
    public void awaitAcknowledged() {
        awaitIndex(highestAcknowledged.get());
    }

    /** The highest log index this node has acknowledged to a writer. */
    @Override
    public long highestAcknowledgedIndex() {
        return highestAcknowledged.get();
    }

    private UnavailableException refusal(Status status) {
        String detail = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
        return switch (status.getCode()) {
            case DEADLINE_EXCEEDED -> refuse(UnavailableReason.WAL_TIMEOUT,
                    "the wal-service did not confirm the write in time; it may or may not have been stored", 1);
            case RESOURCE_EXHAUSTED -> refuse(UnavailableReason.OVERLOADED, "the journal is overloaded: " + detail, 1);
            case UNAVAILABLE -> refuse(UnavailableReason.WAL_UNAVAILABLE, "the journal cannot take writes: " + detail, 5);
            case FAILED_PRECONDITION -> refuse(UnavailableReason.NOT_PRIMARY,
                    "this node's term is no longer current, nothing was written: " + detail, 1);
            default -> throw new IllegalStateException("wal-service refused an append: " + status, status.getCause());
        };
    }

    private UnavailableException refuse(UnavailableReason reason, String message, int retryAfterSeconds) {
        failures.get(reason).increment();
        return new UnavailableException(reason, message, retryAfterSeconds);
    }
}
