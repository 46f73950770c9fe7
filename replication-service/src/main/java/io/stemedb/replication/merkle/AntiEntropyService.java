package io.stemedb.replication.merkle;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.DiffRequest;
import io.stemedb.proto.antientropy.DiffResponse;
import io.stemedb.proto.antientropy.DifferingRange;
import io.stemedb.proto.antientropy.SyncRequest;
import io.stemedb.proto.antientropy.SyncSession;
import io.stemedb.proto.antientropy.SyncSessionsRequest;
import io.stemedb.proto.antientropy.SyncSessionsResponse;
import io.stemedb.proto.store.IdChunk;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import io.stemedb.proto.store.ReadRecordsRequest;
import io.stemedb.proto.store.RecordChunk;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.TreeNode;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Anti-entropy on the cluster port ({@code stemedb_antientropy.proto}): passes this node's store's
 * Merkle tree nodes to a peer that asks ({@code TreeNodes}), and compares this node's store with
 * another's ({@code Diff}) by a {@link MerkleDescent} whose questions go to the local store (its
 * api-service's {@code RecordStore}) and to the other node's {@code TreeNodes}, level by level;
 * passes its store's ids and records to a peer's sync ({@code ListIds}, {@code ReadRecords}), and
 * runs this node's syncs ({@code Sync}, by a {@link MerkleSync}).
 *
 * <p>Each answer is a moment of a store that may be taking writes, so while writes go on a diff
 * can name a range that a write has just filled on one side and not yet on the other; it names a
 * range only where the two really answered differently.
 */
public final class AntiEntropyService extends AntiEntropyGrpc.AntiEntropyImplBase implements AutoCloseable {

    /** Most ids a diff lists from each side (~16 MB of them) to count the records only one side holds. */
    static final long MAX_LISTED_IDS = 250_000;

    private final String nodeId;
    private final RecordStoreGrpc.RecordStoreBlockingStub store;
    private final Function<String, ManagedChannel> channelTo;
    private final Duration timeout;
    private final Map<String, Counter> diffs = new TreeMap<>();
    private final SyncMetrics syncMetrics;
    private final MerkleSync sync;

    /**
     * @param channelTo the cluster-port channel to a member by id, null for an id it does not know
     * @param handoff   where a sync puts the records one side lacks (the primary's log)
     * @param timeout   deadline of each call, to the store and to the other node
     */
    public AntiEntropyService(String nodeId, ManagedChannel storeChannel, Function<String, ManagedChannel> channelTo,
            RecordHandoff handoff, Duration timeout, MeterRegistry registry) {
        this.nodeId = nodeId;
        this.store = RecordStoreGrpc.newBlockingStub(storeChannel);
        this.channelTo = channelTo;
        this.timeout = timeout;
        this.syncMetrics = new SyncMetrics(registry);
        this.sync = new MerkleSync(nodeId, store, channelTo, (other, peer) -> compare(other, peer, false), handoff, timeout,
                syncMetrics, System::currentTimeMillis);
        for (String outcome : List.of("identical", "different", "failed")) {
            diffs.put(outcome, Counter.builder("stemedb.merkle.diffs")
                    .description("Merkle comparisons of this node's store with another node's, by outcome")
                    .tag("outcome", outcome)
                    .register(registry));
        }
    }

    @Override
    public void treeNodes(TreeNodesRequest request, StreamObserver<TreeNodesResponse> response) {
        try {
            response.onNext(localNodes(request));
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e); // already as the store's failure (storeFailure)
        }
    }

    @Override
    public void listIds(ListIdsRequest request, StreamObserver<IdChunk> response) {
        try {
            Iterator<IdChunk> chunks = store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).listIds(request);
            while (chunks.hasNext()) {
                response.onNext(chunks.next());
            }
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(storeFailure(e));
        }
    }

    @Override
    public void readRecords(ReadRecordsRequest request, StreamObserver<RecordChunk> response) {
        try {
            Iterator<RecordChunk> chunks = store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).readRecords(request);
            while (chunks.hasNext()) {
                RecordChunk chunk = chunks.next();
                syncMetrics.bytes(0, chunk.getSerializedSize());
                response.onNext(chunk);
            }
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(storeFailure(e));
        }
    }

    @Override
    public void sync(SyncRequest request, StreamObserver<SyncSession> response) {
        try {
            response.onNext(sync.start(request.getOtherNode(), request.getForce()));
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            response.onError(e);
        }
    }

    @Override
    public void syncSessions(SyncSessionsRequest request, StreamObserver<SyncSessionsResponse> response) {
        response.onNext(SyncSessionsResponse.newBuilder().addAllSessions(sync.sessions()).build());
        response.onCompleted();
    }

    @Override
    public void close() {
        sync.close();
    }

    /**
     * One anti-entropy round (the primary's, every {@code anti-entropy-interval}): this node's store
     * compared with each other member's; where they differ, a sync (not forced: what the log is
     * bringing is left to it) unless one with that member is already running. Each comparison
     * counts in {@code stemedb_merkle_diffs_total}. Returns the members a sync was started with.
     */
    public List<String> antiEntropyRound(Collection<String> members) {
        List<String> started = new ArrayList<>();
        for (String member : members) {
            ManagedChannel channel = member.equals(nodeId) ? null : channelTo.apply(member);
            if (channel == null || sync.isActive(member)) {
                continue;
            }
            DiffResponse answer;
            try {
                answer = compare(member, AntiEntropyGrpc.newBlockingStub(channel), false);
            } catch (StatusRuntimeException e) {
                diffs.get("failed").increment();
                continue;
            }
            diffs.get(answer.getRangesCount() == 0 ? "identical" : "different").increment();
            if (answer.getRangesCount() > 0) {
                try {
                    sync.start(member, false);
                    started.add(member);
                } catch (StatusRuntimeException raced) {
                    // started by an operator meanwhile: theirs goes on
                }
            }
        }
        return started;
    }

    @Override
    public void diff(DiffRequest request, StreamObserver<DiffResponse> response) {
        String other = request.getOtherNode();
        if (other.isEmpty() || other.equals(nodeId)) {
            diffs.get("failed").increment();
            response.onError(Status.INVALID_ARGUMENT.withDescription(other.isEmpty() ? "other_node is required"
                    : "other_node names this node itself").asRuntimeException());
            return;
        }
        ManagedChannel channel = channelTo.apply(other);
        if (channel == null) {
            diffs.get("failed").increment();
            response.onError(Status.NOT_FOUND.withDescription("no member named " + other + " in this node's cluster")
                    .asRuntimeException());
            return;
        }
        AntiEntropyGrpc.AntiEntropyBlockingStub peer = AntiEntropyGrpc.newBlockingStub(channel);
        try {
            DiffResponse answer = compare(other, peer, true);
            diffs.get(answer.getRangesCount() == 0 ? "identical" : "different").increment();
            response.onNext(answer);
            response.onCompleted();
        } catch (StatusRuntimeException e) {
            diffs.get("failed").increment();
            response.onError(e);
        }
    }

    /** @param countOneSided whether to count the records only one side holds (listing ids where both hold some) */
    private DiffResponse compare(String other, AntiEntropyGrpc.AntiEntropyBlockingStub peer, boolean countOneSided) {
        MerkleDescent descent = null;
        DiffResponse.Builder answer = DiffResponse.newBuilder().setNode(nodeId).setOtherNode(other);
        long bytes = 0;
        int rounds = 0;
        TreeNodesRequest request = TreeNodesRequest.getDefaultInstance();
        while (true) {
            TreeNodesResponse here = localNodes(request);
            TreeNodesResponse there;
            try {
                there = peer.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).treeNodes(request);
            } catch (StatusRuntimeException e) {
                throw Status.UNAVAILABLE.withDescription(other + " did not answer for its tree: " + e.getStatus())
                        .asRuntimeException();
            }
            bytes += there.getSerializedSize();
            rounds++;
            if (here.getBitsPerLevel() != there.getBitsPerLevel() || here.getDepth() != there.getDepth()) {
                throw Status.FAILED_PRECONDITION.withDescription("the stores' trees have different shapes (fan-out 2^"
                        + here.getBitsPerLevel() + " depth " + here.getDepth() + " here, 2^" + there.getBitsPerLevel()
                        + " depth " + there.getDepth() + " on " + other + "): a node of another version").asRuntimeException();
            }
            if (descent == null) {
                descent = new MerkleDescent(here.getBitsPerLevel(), here.getDepth());
                answer.setRecordsHere(here.getNodes(0).getCount()).setRecordsThere(there.getNodes(0).getCount())
                        .setAppliedIndexHere(here.getAppliedIndex()).setAppliedIndexThere(there.getAppliedIndex());
            }
            try {
                descent.answer(nodes(here), nodes(there));
            } catch (IllegalArgumentException e) {
                throw Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
            }
            if (descent.isDone()) {
                break;
            }
            MerkleDescent.Question question = descent.question();
            TreeNodesRequest.Builder next = TreeNodesRequest.newBuilder().setLevel(question.level());
            for (long parent : question.parents()) {
                next.addParents(parent);
            }
            request = next.build();
        }
        List<MerkleDifference.Range> ranges = descent.ranges();
        for (MerkleDifference.Range range : ranges) {
            answer.addRanges(DifferingRange.newBuilder().setPrefix(range.range().prefix())
                    .setPrefixBits(range.range().prefixBits()).setHere(range.countHere()).setThere(range.countThere()));
        }
        if (countOneSided) {
            bytes += countOneSided(ranges, other, peer, answer);
        }
        return answer.setNodesRead(descent.nodesRead()).setBytesReceived(bytes).setRounds(rounds).build();
    }

    /**
     * Fills in how many records only one side holds: a range where one side holds nothing counts
     * the other's whole; the rest are listed by id on both sides, unless they hold more than
     * {@link #MAX_LISTED_IDS} on a side. Returns the bytes the other node sent for it.
     */
    private long countOneSided(List<MerkleDifference.Range> ranges, String other, AntiEntropyGrpc.AntiEntropyBlockingStub peer,
            DiffResponse.Builder answer) {
        long onlyHere = 0;
        long onlyThere = 0;
        long hereToList = 0;
        long thereToList = 0;
        ListIdsRequest.Builder listing = ListIdsRequest.newBuilder();
        for (MerkleDifference.Range range : ranges) {
            if (range.countHere() == 0 || range.countThere() == 0) {
                onlyHere += range.countHere();
                onlyThere += range.countThere();
            } else {
                listing.addRanges(IdRangeRef.newBuilder().setPrefix(range.range().prefix())
                        .setPrefixBits(range.range().prefixBits()));
                hereToList += range.countHere();
                thereToList += range.countThere();
            }
        }
        answer.setExact(true).setOnlyHere(onlyHere).setOnlyThere(onlyThere);
        if (listing.getRangesCount() == 0) {
            return 0;
        }
        if (hereToList > MAX_LISTED_IDS || thereToList > MAX_LISTED_IDS) {
            answer.setExact(false);
            return 0;
        }
        ListIdsRequest request = listing.build();
        Set<String> here = new HashSet<>();
        try {
            store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).listIds(request)
                    .forEachRemaining(chunk -> here.addAll(chunk.getIdsList()));
        } catch (StatusRuntimeException e) {
            throw Status.UNAVAILABLE.withDescription("this node's record store (api-service) did not list its ids: "
                    + e.getStatus()).asRuntimeException();
        }
        long bytes = 0;
        long listed = here.size();
        long common = 0;
        long thereCount = 0;
        try {
            Iterator<IdChunk> chunks = peer.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).listIds(request);
            while (chunks.hasNext()) {
                IdChunk chunk = chunks.next();
                bytes += chunk.getSerializedSize();
                for (String id : chunk.getIdsList()) {
                    thereCount++;
                    if (here.contains(id)) {
                        common++;
                    }
                }
            }
        } catch (StatusRuntimeException e) {
            throw Status.UNAVAILABLE.withDescription(other + " did not list its ids: " + e.getStatus()).asRuntimeException();
        }
        answer.setOnlyHere(onlyHere + here.size() - common).setOnlyThere(onlyThere + thereCount - common)
                .setIdsListed(Math.max(listed, thereCount));
        return bytes;
    }

    /** The log index this node's store has applied (its tree's root answers it). */
    public long localAppliedIndex() {
        return localNodes(TreeNodesRequest.getDefaultInstance()).getAppliedIndex();
    }

    /**
     * Asks {@code primary} to sync its store with this node's, unforced: what this store lacks and
     * the primary's log no longer brings is appended there again and reaches this node through the
     * log (a rebased replica's fill). Answers the session the primary started.
     *
     * @throws StatusRuntimeException NOT_FOUND for an unknown member, or whatever the primary answers
     */
    public SyncSession askForSync(String primary) {
        ManagedChannel channel = channelTo.apply(primary);
        if (channel == null) {
            throw Status.NOT_FOUND.withDescription("no member named " + primary + " in this node's cluster").asRuntimeException();
        }
        return AntiEntropyGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .sync(SyncRequest.newBuilder().setOtherNode(nodeId).build());
    }

    private TreeNodesResponse localNodes(TreeNodesRequest request) {
        try {
            return store.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).treeNodes(request);
        } catch (StatusRuntimeException e) {
            throw storeFailure(e);
        }
    }

    /** A failed call to this node's store as this service answers it: a question it refused, or UNAVAILABLE. */
    private static StatusRuntimeException storeFailure(StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
            return e;
        }
        return Status.UNAVAILABLE.withDescription("this node's record store (api-service) did not answer: " + e.getStatus())
                .asRuntimeException();
    }

    private static List<MerkleDescent.Node> nodes(TreeNodesResponse response) {
        List<MerkleDescent.Node> nodes = new ArrayList<>(response.getNodesCount());
        for (TreeNode node : response.getNodesList()) {
            nodes.add(new MerkleDescent.Node(node.getCount(), node.getHash().toByteArray()));
        }
        return nodes;
    }
}
