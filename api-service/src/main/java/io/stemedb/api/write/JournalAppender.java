package io.stemedb.api.write;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.WalTailer;
import io.stemedb.common.consensus.CommitState;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.api.wal.WalClient;
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.EntryToAppend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The end of every write path: appends records through the wal-service as one contiguous run
 * (one group commit), answers only once they are acknowledged, and then waits (briefly) for the
 * local index to apply them, so that the writer's next request, or a duplicate of this one, sees
 * them.
 *
 * <p>Acknowledged means, in a replicated node, committed: durable on {@code replication.factor}
 * voters, which the local consensus reports ({@link ReplicationClient}). The records are appended
 * as the primary's (term 0: the journal stamps its own term and refuses them unless this node is
 * the writable primary, 503 {@code not_primary} naming the primary). A write that is durable here
 * but not committed within {@code stemedb.api.replication.timeout} answers 503
 * {@code replication_timeout} naming its ids: it may still commit, and a retry is safe since ids
 * are content hashes. Without replication (a node on its own, in the old shape) a record is
 * acknowledged once durable, appended with the configured term.
 *
 * <p>Also remembers the highest index it has acknowledged, so that queries on this node can wait
 * for the index to reach it: a client that got 201 and then queries sees its write.
 */
public class JournalAppender implements RecordJournal {

    private final WalClient wal;
    private final WalTailer tailer;
    private final AssertionIndex index;
    private final long configuredTerm;
    private final ReplicationClient replication;
    private final Duration replicationTimeout;
    private final Duration indexWait;
    private final AtomicLong highestAcknowledged = new AtomicLong();
    private final Map<UnavailableReason, Counter> failures = new EnumMap<>(UnavailableReason.class);

    /** @param replication the local consensus, or null for a node that does not replicate */
    public JournalAppender(WalClient wal, WalTailer tailer, AssertionIndex index, long configuredTerm,
            ReplicationClient replication, Duration replicationTimeout, Duration indexWait, MeterRegistry registry) {
        this.wal = wal;
        this.tailer = tailer;
        this.index = index;
        this.configuredTerm = configuredTerm;
        this.replication = replication;
        this.replicationTimeout = replicationTimeout;
        this.indexWait = indexWait;
        for (UnavailableReason reason : UnavailableReason.values()) {
            failures.put(reason, Counter.builder("stemedb.api.write.failures")
                    .description("Writes answered 503, by reason")
                    .tag("reason", reason.wireName())
                    .register(registry));
        }
    }

    /** The term new records are written in (this node's, as its consensus last said). */
    @Override
    public long term() {
        return replication == null ? configuredTerm : replication.state().term();
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
     * @throws UnavailableException when they cannot be acknowledged now (503)
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
        if (replication != null) {
            requirePrimaryWithReplicas();
        }
        long entryTerm = replication == null ? configuredTerm : 0;
        List<EntryToAppend> entries = new ArrayList<>(records.size());
        for (LogRecord record : records) {
            entries.add(EntryToAppend.newBuilder()
                    .setTerm(entryTerm)
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
        if (replication != null) {
            awaitCommit(appended, records);
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

    private void requirePrimaryWithReplicas() {
        CommitState state = replication.state();
        if (!state.connected()) {
            throw refuse(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "the node's consensus (replication-service) cannot be reached; nothing was written", 1, Map.of());
        }
        if (!state.writable()) {
            throw notPrimary(state);
        }
        if (state.termStartIndex() == 0 || index.appliedIndex() < state.termStartIndex()) {
            // A new primary applies the log up to its term's first entry before it stamps new
            // writes: its clock has then seen every earlier timestamp (recency never runs back).
            throw refuse(UnavailableReason.STARTING, "this node has just become primary and is applying the log up to "
                    + "index " + state.termStartIndex() + "; retry shortly", 1, Map.of());
        }
        if (state.lagging()) {
            throw refuse(UnavailableReason.REPLICATION_LAG, "too few replicas are within max_replication_lag_seconds of the"
                    + " primary; writes resume once they catch up; nothing was written", 1, Map.of());
        }
    }

    private void awaitCommit(AppendResponse appended, List<? extends LogRecord> records) {
        boolean committed;
        try {
            committed = replication.awaitCommit(appended.getLastIndex(), appended.getTerm(), replicationTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            committed = false;
        }
        if (!committed) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("ids", ids(records));
            details.put("index", appended.getLastIndex());
            throw refuse(UnavailableReason.REPLICATION_TIMEOUT, "the write is durable on this node but did not reach "
                    + "replication.factor copies within " + replicationTimeout.toMillis() + " ms (or this node stopped "
                    + "being primary): it may still commit; retrying it is safe, ids " + ids(records), 1, details);
        }
    }

    private static List<String> ids(List<? extends LogRecord> records) {
        List<String> ids = new ArrayList<>(records.size());
        for (LogRecord record : records) {
            if (record instanceof Assertion assertion) {
                ids.add(assertion.id());
            } else if (record instanceof Retraction retraction) {
                ids.add(retraction.id());
            } else if (record instanceof Vote vote) {
                ids.add(vote.id());
            } else if (record instanceof Epoch epoch) {
                ids.add("epoch-" + epoch.number());
            }
        }
        return ids;
    }

    private void awaitIndex(long at) {
        try {
            // Acknowledged already; if the index is slow the answer stands, the next reader waits instead.
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
            case FAILED_PRECONDITION -> replication != null ? notPrimary(replication.state(), detail)
                    : refuse(UnavailableReason.NOT_PRIMARY, "this node's term is no longer current, nothing was written: "
                            + detail, 1);
            default -> throw new IllegalStateException("wal-service refused an append: " + status, status.getCause());
        };
    }

    /**
     * The journal refused the term this node wrote in. Its consensus may not know yet (it still says
     * primary): the journal's own reason, which names the term it is fenced at, is then the answer.
     */
    private UnavailableException notPrimary(CommitState state, String journalDetail) {
        if (!"primary".equals(state.role())) {
            return notPrimary(state);
        }
        return refuse(UnavailableReason.NOT_PRIMARY, "this node's term " + state.term() + " is no longer current: "
                + journalDetail + "; nothing was written", 1, Map.of());
    }

    private UnavailableException notPrimary(CommitState state) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (!state.primaryId().isEmpty()) {
            details.put("primary", state.primaryId());
        }
        if (!state.primaryApi().isEmpty()) {
            details.put("primary_address", state.primaryApi());
        }
        String where = state.primaryId().isEmpty() ? "no primary is known right now (an election may be under way)"
                : "the primary is " + state.primaryId() + (state.primaryApi().isEmpty() ? "" : " at " + state.primaryApi());
        return refuse(UnavailableReason.NOT_PRIMARY, "this node is not the primary (it is " + state.role() + "); " + where
                + "; nothing was written", 1, details);
    }

    private UnavailableException refuse(UnavailableReason reason, String message, int retryAfterSeconds) {
        return refuse(reason, message, retryAfterSeconds, Map.of());
    }

    private UnavailableException refuse(UnavailableReason reason, String message, int retryAfterSeconds,
            Map<String, Object> details) {
        failures.get(reason).increment();
        return new UnavailableException(reason, message, retryAfterSeconds, details);
    }
}
