package io.stemedb.replication.merkle;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.DiffResponse;
import io.stemedb.proto.antientropy.DifferingRange;
import io.stemedb.proto.consensus.LogEntry;
import io.stemedb.proto.store.IdChunk;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import io.stemedb.proto.store.ReadRecordsRequest;
import io.stemedb.proto.store.RecordChunk;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.StoredRecord;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.transport.JournalEntries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's store and another's hold the same records: a diff of their Merkle trees
 * names the ranges that differ; range by range, the ids both hold there are listed, the records
 * only one side holds are read (from the other node over the cluster port, or from this node's
 * store), checked against their content hash and handed to the primary, whose log brings them to
 * every node — both directions, a union: nothing is ever removed.
 *
 * <p>Flow control is the calls themselves: one batch of records is read, checked and made durable
 * on the primary before the next is asked for. Progress is kept per range, so an interrupted
 * session (the other node gone, no primary, a deadline) goes on from its first range not done
 * when asked again. Sessions run one at a time on one thread: two syncs at once would only share
 * the primary's journal.
 */
public final class MerkleSync implements AutoCloseable {

    /** Ids a range of the plan is meant to hold at most: a wider differing range is split to about this. */
    static final int RANGE_IDS = 16_384;
    /** Ranges (or ids) compared per listing. */
    static final int GROUP_RANGES = 512;
    /** Ids per ReadRecords, as the store takes them. */
    static final int READ_IDS = 1_024;
    /** Records per handoff to the primary, and their payload bytes at most. */
    static final int HANDOFF_RECORDS = 512;
    static final int HANDOFF_BYTES = 2 << 20;

    private static final Logger log = LoggerFactory.getLogger(MerkleSync.class);

    private final String nodeId;
    private final RecordStoreGrpc.RecordStoreBlockingStub store;
    private final Function<String, ManagedChannel> channelTo;
    private final BiFunction<String, AntiEntropyGrpc.AntiEntropyBlockingStub, DiffResponse> differ;
    private final RecordHandoff handoff;
    private final Duration timeout;
    private final SyncMetrics metrics;
    private final LongSupplier clock;
    private final Map<String, SyncSession> sessions = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "merkle-sync");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param differ the ranges where this node's store and a peer's differ (a diff without counting)
     * @param clock  wall-clock milliseconds, for the sessions' times
     */
    MerkleSync(String nodeId, RecordStoreGrpc.RecordStoreBlockingStub store, Function<String, ManagedChannel> channelTo,
            BiFunction<String, AntiEntropyGrpc.AntiEntropyBlockingStub, DiffResponse> differ, RecordHandoff handoff,
            Duration timeout, SyncMetrics metrics, LongSupplier clock) {
        this.nodeId = nodeId;
        this.store = store;
        this.channelTo = channelTo;
        this.differ = differ;
        this.handoff = handoff;
        this.timeout = timeout;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Starts a sync with {@code other}, or resumes the interrupted one (unless {@code force}),
     * and returns its state at once.
     *
     * @throws StatusRuntimeException INVALID_ARGUMENT for no id or this node's, NOT_FOUND for an id
     *     the cluster does not know, FAILED_PRECONDITION while one with the node runs (without force)
     */
    synchronized io.stemedb.proto.antientropy.SyncSession start(String other, boolean force) {
        if (other.isEmpty() || other.equals(nodeId)) {
            throw Status.INVALID_ARGUMENT.withDescription(other.isEmpty() ? "other_node is required"
                    : "other_node names this node itself").asRuntimeException();
        }
        ManagedChannel channel = channelTo.apply(other);
        if (channel == null) {
            throw Status.NOT_FOUND.withDescription("no member named " + other + " in this node's cluster").asRuntimeException();
        }
        SyncSession previous = sessions.get(other);
        if (previous != null && previous.isActive()) {
            if (!force) {
                throw Status.FAILED_PRECONDITION.withDescription("a sync with " + other + " is already running (progress "
                        + String.format(Locale.ROOT, "%.2f", previous.progress())
                        + "); \"force\": true starts it over").asRuntimeException();
            }
            previous.cancel();
        }
        long now = clock.getAsLong();
        SyncSession session = previous != null && !force && previous.state() == SyncSession.State.INTERRUPTED
                ? previous.resumed(now) : new SyncSession(nodeId, other, force, now);
        sessions.put(other, session);
        metrics.watch(other, this::progressWith);
        runner.execute(() -> run(session, AntiEntropyGrpc.newBlockingStub(channel)));
        return session.toProto();
    }

    /** Whether a sync with {@code other} is queued or running. */
    boolean isActive(String other) {
        SyncSession session = sessions.get(other);
        return session != null && session.isActive();
    }

    /** The newest session with each other node, by id. */
    List<io.stemedb.proto.antientropy.SyncSession> sessions() {
        return sessions.values().stream().map(SyncSession::toProto)
                .sorted(Comparator.comparing(io.stemedb.proto.antientropy.SyncSession::getOtherNode)).toList();
    }

    private double progressWith(String peer) {
        SyncSession session = sessions.get(peer);
        return session == null ? 0 : session.progress();
    }

    private void run(SyncSession session, AntiEntropyGrpc.AntiEntropyBlockingStub peer) {
        if (session.isCancelled()) {
            return;
        }
        session.running();
        long started = System.nanoTime();
        String other = session.otherNode();
        try {
            if (!session.isPlanned()) {
                plan(session, peer);
            }
            while (!session.isCancelled()) {
                List<IdRange> left = session.rangesLeft();
                if (left.isEmpty()) {
                    break;
                }
                int take = 0;
                double weight = 0;
                while (take < left.size() && take < GROUP_RANGES && (take == 0 || weight + session.weightOf(take) <= RANGE_IDS)) {
                    weight += session.weightOf(take);
                    take++;
                }
                syncRanges(session, peer, left.subList(0, take));
                session.rangesDone(take);
            }
            if (session.isCancelled()) {
                session.interrupted(clock.getAsLong(), "started over by a forced sync");
                metrics.ended(false, Duration.ofNanos(System.nanoTime() - started));
                return;
            }
            session.completed(clock.getAsLong());
            metrics.ended(true, Duration.ofNanos(System.nanoTime() - started));
            io.stemedb.proto.antientropy.SyncSession done = session.toProto();
            log.info("merkle sync with {} completed: {} records from it and {} from here handed to the primary, {} refused,"
                    + " {} left to the log, {} ranges", other, done.getRecordsFromThere(), done.getRecordsFromHere(),
                    done.getRecordsRefused(), done.getRecordsLeftToLog(), done.getRanges());
        } catch (SyncFailure failure) {
            metrics.error(failure.reason, 1);
            session.interrupted(clock.getAsLong(), failure.getMessage());
            metrics.ended(false, Duration.ofNanos(System.nanoTime() - started));
            log.warn("merkle sync with {} interrupted ({}): {}; a sync without force goes on from range {} of {}", other,
                    failure.reason, failure.getMessage(), session.toProto().getRangesDone(), session.toProto().getRanges());
        } catch (RuntimeException bug) {
            metrics.error("store_unavailable", 1);
            session.interrupted(clock.getAsLong(), bug.toString());
            metrics.ended(false, Duration.ofNanos(System.nanoTime() - started));
            log.error("merkle sync with {} failed", other, bug);
        }
    }

    /** The diff, its ranges split to about {@link #RANGE_IDS} records each, weighed by the records each side holds. */
    private void plan(SyncSession session, AntiEntropyGrpc.AntiEntropyBlockingStub peer) {
        TreeNodesResponse root = call("store_unavailable", "this node's record store",
                () -> store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).treeNodes(TreeNodesRequest.getDefaultInstance()));
        int leafBits = root.getBitsPerLevel() * root.getDepth();
        DiffResponse diff;
        try {
            diff = differ.apply(session.otherNode(), peer);
        } catch (StatusRuntimeException e) {
            String why = e.getStatus().getDescription() == null ? e.getStatus().getCode().toString() : e.getStatus().getDescription();
            String reason = switch (e.getStatus().getCode()) {
                case FAILED_PRECONDITION -> "tree_shape";
                default -> why.startsWith("this node's record store") ? "store_unavailable" : "peer_unavailable";
            };
            throw new SyncFailure(reason, "the diff did not complete: " + why);
        }
        List<IdRange> ranges = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (DifferingRange range : diff.getRangesList()) {
            double records = Math.max(range.getHere(), range.getThere());
            int extraBits = 0;
            while (records / (1L << extraBits) > RANGE_IDS && range.getPrefixBits() + extraBits < leafBits) {
                extraBits++;
            }
            int parts = 1 << extraBits;
            for (long part = 0; part < parts; part++) {
                ranges.add(new IdRange(range.getPrefix() << extraBits | part, range.getPrefixBits() + extraBits));
                weights.add(records / parts);
            }
        }
        session.plan(ranges, weights.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Lists both sides' ids in the ranges and hands over what only one side holds. */
    private void syncRanges(SyncSession session, AntiEntropyGrpc.AntiEntropyBlockingStub peer, List<IdRange> ranges) {
        String other = session.otherNode();
        ListIdsRequest.Builder listing = ListIdsRequest.newBuilder();
        for (IdRange range : ranges) {
            listing.addRanges(IdRangeRef.newBuilder().setPrefix(range.prefix()).setPrefixBits(range.prefixBits()));
        }
        ListIdsRequest request = listing.build();
        Set<String> here = new HashSet<>();
        call("store_unavailable", "this node's record store", () -> {
            store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).listIds(request)
                    .forEachRemaining(chunk -> here.addAll(chunk.getIdsList()));
            return null;
        });
        Set<String> there = new HashSet<>();
        long received = call("peer_unavailable", other, () -> {
            long bytes = 0;
            Iterator<IdChunk> chunks = peer.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).listIds(request);
            while (chunks.hasNext()) {
                IdChunk chunk = chunks.next();
                bytes += chunk.getSerializedSize();
                there.addAll(chunk.getIdsList());
            }
            return bytes;
        });
        session.bytes(received, 0);
        metrics.bytes(received, 0);
        List<String> onlyThere = there.stream().filter(id -> !here.contains(id)).sorted().toList();
        List<String> onlyHere = here.stream().filter(id -> !there.contains(id)).sorted().toList();
        if (onlyThere.isEmpty() && onlyHere.isEmpty()) {
            return;
        }
        // The applied indexes of now: a record past the lacking side's is on its way through the log.
        long appliedHere = appliedIndex("store_unavailable", "this node's record store",
                root -> store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).treeNodes(root));
        long appliedThere = appliedIndex("peer_unavailable", other,
                root -> peer.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).treeNodes(root));
        hand(session, onlyThere, true, appliedHere,
                ids -> peer.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).readRecords(ids), "peer_unavailable", other);
        hand(session, onlyHere, false, appliedThere,
                ids -> store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).readRecords(ids),
                "store_unavailable", "this node's record store");
    }

    private long appliedIndex(String reason, String who, Function<TreeNodesRequest, TreeNodesResponse> ask) {
        return call(reason, who, () -> ask.apply(TreeNodesRequest.getDefaultInstance()).getAppliedIndex());
    }

    /**
     * Reads the records under {@code ids} from one side, checks each, and hands the good ones to
     * the primary in batches.
     *
     * @param fromThere     whether they come from the other node (else from this node's store)
     * @param appliedLacking the applied index of the side that lacks them
     */
    private void hand(SyncSession session, List<String> ids, boolean fromThere, long appliedLacking,
            Function<ReadRecordsRequest, Iterator<RecordChunk>> read, String reason, String who) {
        List<Entry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (int start = 0; start < ids.size(); start += READ_IDS) {
            if (session.isCancelled()) {
                return;
            }
            List<String> asked = ids.subList(start, Math.min(ids.size(), start + READ_IDS));
            Set<String> askedSet = new HashSet<>(asked);
            ReadRecordsRequest request = ReadRecordsRequest.newBuilder().addAllIds(asked).build();
            List<StoredRecord> records = new ArrayList<>();
            long received = call(reason, who, () -> {
                long bytes = 0;
                Iterator<RecordChunk> chunks = read.apply(request);
                while (chunks.hasNext()) {
                    RecordChunk chunk = chunks.next();
                    bytes += chunk.getSerializedSize();
                    records.addAll(chunk.getRecordsList());
                }
                return bytes;
            });
            if (fromThere) {
                session.bytes(received, 0);
                metrics.bytes(received, 0);
            }
            for (StoredRecord stored : records) {
                String refusal = check(stored, askedSet);
                if (refusal != null) {
                    session.refused(1);
                    metrics.records("refused", 1);
                    metrics.error(refusal, 1);
                    log.warn("merkle sync with {} refused a record from {} at index {}: {}", session.otherNode(),
                            fromThere ? session.otherNode() : "this node's store", stored.getIndex(),
                            refusal.equals("content_hash") ? "its bytes do not match its id" : "it does not parse");
                    continue;
                }
                if (!session.forced() && stored.getIndex() > appliedLacking) {
                    session.leftToLog(1);
                    metrics.records("left_to_log", 1);
                    continue;
                }
                batch.add(JournalEntries.fromWire(LogEntry.newBuilder().setIndex(Math.max(1, stored.getIndex()))
                        .setTerm(Math.max(1, stored.getTerm())).setType(stored.getType()).setPayload(stored.getPayload()).build()));
                batchBytes += stored.getPayload().size();
                if (batch.size() >= HANDOFF_RECORDS || batchBytes >= HANDOFF_BYTES) {
                    handOver(session, batch, fromThere);
                    batch = new ArrayList<>();
                    batchBytes = 0;
                }
            }
        }
        if (!batch.isEmpty()) {
            handOver(session, batch, fromThere);
        }
    }

    private void handOver(SyncSession session, List<Entry> batch, boolean fromThere) {
        long sent = call("primary_unavailable", "the primary", () -> handoff.handOver(batch));
        session.bytes(0, sent);
        session.handedOver(fromThere ? batch.size() : 0, fromThere ? 0 : batch.size());
        metrics.bytes(0, sent);
        metrics.records("handed_over", batch.size());
    }

    /** Null for a record to take; else the reason it is refused: its bytes do not parse, or do not hash to its id. */
    static String check(StoredRecord stored, Set<String> asked) {
        LogRecord record;
        try {
            record = LogRecordCodec.decode(stored.getTypeValue(), stored.getPayload().toByteArray(), stored.getTerm(),
                    stored.getIndex());
        } catch (IllegalArgumentException e) {
            return "unreadable";
        }
        if (record == null || !(record instanceof Assertion || record instanceof Retraction || record instanceof Vote)) {
            return "unreadable";
        }
        String id = record instanceof Assertion assertion ? assertion.id()
                : record instanceof Retraction retraction ? retraction.id() : ((Vote) record).id();
        return asked.contains(id) && ContentHash.matches(record) ? null : "content_hash";
    }

    private static <T> T call(String reason, String who, Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            throw new SyncFailure(reason, who + " did not answer: " + status.getCode()
                    + (status.getDescription() == null ? "" : " " + status.getDescription()));
        }
    }

    @Override
    public void close() {
        sessions.values().forEach(SyncSession::cancel);
        runner.shutdownNow();
    }

    /** A sync stopped by a call that failed; {@code reason} as {@link SyncMetrics#ERROR_REASONS} names it. */
    private static final class SyncFailure extends RuntimeException {
        private final String reason;

        SyncFailure(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
