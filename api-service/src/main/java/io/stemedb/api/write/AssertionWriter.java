package io.stemedb.api.write;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.WalTailer;
import io.stemedb.api.wal.WalClient;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.codec.AssertionRecordCodec;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.validation.AssertionRequestReader;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.EntryToAppend;
import io.stemedb.proto.wal.EntryType;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write path: validate, name (content hash), stamp (HLC), append through the wal-service, and
 * answer only once the wal-service says the entry is durable.
 *
 * <p>Also remembers the highest index it has acknowledged, so that queries on this node can wait
 * for the index to reach it: a client that got 201 and then queries sees its write.
 */
public class AssertionWriter {

    private final AssertionRequestReader requests;
    private final HybridLogicalClock clock;
    private final WalClient wal;
    private final WalTailer tailer;
    private final long term;
    private final AtomicLong highestAcknowledged = new AtomicLong();
    private final Map<UnavailableReason, Counter> failures = new EnumMap<>(UnavailableReason.class);

    public AssertionWriter(AssertionRequestReader requests, HybridLogicalClock clock, WalClient wal, WalTailer tailer,
            long term, MeterRegistry registry) {
        this.requests = requests;
        this.clock = clock;
        this.wal = wal;
        this.tailer = tailer;
        this.term = term;
        for (UnavailableReason reason : UnavailableReason.values()) {
            failures.put(reason, Counter.builder("stemedb.api.write.failures")
                    .description("Writes answered 503, by reason")
                    .tag("reason", reason.wireName())
                    .register(registry));
        }
    }

    /**
     * @throws io.stemedb.common.validation.InvalidRequestException for a bad body (400)
     * @throws UnavailableException when the write cannot be made durable now (503)
     */
    public WrittenAssertion write(byte[] body) {
        AssertionContent content = requests.read(body);
        if (!tailer.isCaughtUp()) {
            long target = tailer.catchUpTarget();
            throw refuse(UnavailableReason.STARTING, target < 0
                    ? "the node is starting and has not reached its journal yet; retry shortly"
                    : "the node is loading its journal (up to index " + target + "); retry shortly", 1);
        }
        String id = ContentHash.of(content);
        long hlc = clock.now();
        EntryToAppend entry = EntryToAppend.newBuilder()
                .setTerm(term)
                .setType(EntryType.ENTRY_TYPE_ASSERTION)
                .setPayload(ByteString.copyFrom(AssertionRecordCodec.encode(id, content, hlc)))
                .build();
        AppendResponse appended;
        try {
            appended = wal.append(List.of(entry)).join();
        } catch (CompletionException e) {
            throw refusal(Status.fromThrowable(e.getCause()));
        }
        highestAcknowledged.accumulateAndGet(appended.getLastIndex(), Math::max);
        return new WrittenAssertion(id, appended.getFirstIndex(), hlc, term);
    }

    /** The highest log index this node has acknowledged to a writer. */
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
