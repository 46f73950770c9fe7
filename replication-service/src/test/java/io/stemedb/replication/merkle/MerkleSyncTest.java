package io.stemedb.replication.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.merkle.MerkleTree;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.DiffRequest;
import io.stemedb.proto.antientropy.SyncRequest;
import io.stemedb.proto.antientropy.SyncSession;
import io.stemedb.proto.antientropy.SyncSessionsRequest;
import io.stemedb.proto.store.IdChunk;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import io.stemedb.proto.store.ReadRecordsRequest;
import io.stemedb.proto.store.RecordChunk;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.StoredRecord;
import io.stemedb.proto.store.TreeNode;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.transport.JournalEntries;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Merkle sync between two nodes' anti-entropy services over gRPC (in-process transport), each in
 * front of a store of real records (content-hashed assertions), with a handoff that plays the
 * primary's log: what it takes is applied to both stores at the next index, as replication
 * would. Sync must end with both stores holding the union, each one-sided record handed over
 * once, and go on from where it stopped after an interruption.
 */
class MerkleSyncTest {

    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Map<String, ManagedChannel> members = new ConcurrentHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> handedOver = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch handoffGate = new CountDownLatch(0);
    private final RecordStore storeA = new RecordStore();
    private final RecordStore storeB = new RecordStore();
    /** Every node's store: what the log brings, it brings to each. */
    private final List<RecordStore> everyStore = new CopyOnWriteArrayList<>();
    private long logIndex = 10_000;
    private AntiEntropyService serviceA;

    @AfterEach
    void stop() {
        if (serviceA != null) {
            serviceA.close();
        }
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void bothStoresEndWithTheUnionAndEachOneSidedRecordIsHandedOverOnce() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = nodes();
        Random random = new Random(Long.getLong("merkle.seed", 47L));
        for (int schedule = 0; schedule < 25; schedule++) {
            long seed = random.nextLong();
            Random records = new Random(seed);
            storeA.clear();
            storeB.clear();
            handedOver.clear();
            int shared = records.nextInt(3_000);
            for (int i = 0; i < shared; i++) {
                StoredRecord record = record(records, 1 + i);
                storeA.put(record);
                storeB.put(record);
            }
            Set<String> onlyA = new HashSet<>();
            Set<String> onlyB = new HashSet<>();
            int countA = records.nextInt(3) == 0 ? 0 : records.nextInt(400);
            int countB = records.nextInt(3) == 0 ? 0 : records.nextInt(400);
            for (int i = 0; i < countA; i++) {
                onlyA.add(storeA.put(record(records, 1 + i)));
            }
            for (int i = 0; i < countB; i++) {
                onlyB.add(storeB.put(record(records, 1 + i)));
            }
            storeA.applied = 5_000;
            storeB.applied = 5_000;

            SyncSession done = syncToTheEnd(a, false, false);

            assertThat(done.getState()).as("seed " + seed).isEqualTo("completed");
            assertThat(done.getProgress()).isEqualTo(1.0);
            assertThat(done.getRecordsFromThere()).as("seed " + seed).isEqualTo(onlyB.size());
            assertThat(done.getRecordsFromHere()).as("seed " + seed).isEqualTo(onlyA.size());
            assertThat(done.getRecordsRefused()).isZero();
            Set<String> union = new HashSet<>(onlyA);
            union.addAll(onlyB);
            assertThat(handedOver).as("each one-sided record handed over once, seed " + seed).hasSize(union.size())
                    .containsExactlyInAnyOrderElementsOf(union);
            assertThat(storeA.ids()).as("seed " + seed).isEqualTo(storeB.ids());
            assertThat(a.diff(DiffRequest.newBuilder().setOtherNode("b").build()).getRangesCount()).isZero();
        }
    }

    @Test
    void anInterruptedSyncGoesOnFromTheRangeItStoppedInWithoutStartingOver() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = nodes();
        Random records = new Random(5);
        Set<String> onlyB = new HashSet<>();
        for (int i = 0; i < 12_000; i++) {
            StoredRecord record = record(records, 1 + i);
            storeA.put(record);
            if (i % 3 != 0) {
                storeB.put(record);
            }
        }
        for (int i = 0; i < 4_000; i++) {
            onlyB.add(storeB.put(record(records, 1 + i)));
        }
        storeA.applied = 50_000;
        storeB.applied = 50_000;
        // B answers a few reads, then stops answering: the sync is cut off midway.
        storeB.readsLeft.set(5);
        SyncSession cut = syncToTheEnd(a, true, true);
        assertThat(cut.getState()).isEqualTo("interrupted");
        assertThat(cut.getError()).contains("b did not answer");
        assertThat(cut.getRangesDone()).isPositive().isLessThan(cut.getRanges());
        assertThat(cut.getProgress()).isBetween(0.01, 0.99);
        assertThat(registry.get("stemedb.merkle.sync.errors").tag("reason", "peer_unavailable").counter().count()).isEqualTo(1);
        Set<IdRangeRef> listedBefore = Set.copyOf(storeB.listed);
        int handedBefore = handedOver.size();
        assertThat(handedBefore).isPositive().isLessThan(4_000 + 4_000);

        storeB.readsLeft.set(Integer.MAX_VALUE);
        storeB.listed.clear();
        SyncSession resumed = syncToTheEnd(a, false, false);
        assertThat(resumed.getState()).isEqualTo("completed");
        assertThat(resumed.getResumed()).isTrue();
        assertThat(resumed.getRanges()).isEqualTo(cut.getRanges());
        Set<IdRangeRef> listedAfter = new HashSet<>(storeB.listed);
        listedAfter.retainAll(listedBefore);
        assertThat(listedAfter).as("ranges done before the interruption are not gone through again: at most the group it"
                + " stopped in").hasSizeLessThanOrEqualTo(MerkleSync.GROUP_RANGES);
        assertThat(handedOver).as("no record handed over twice").doesNotHaveDuplicates().hasSize(4_000 + onlyB.size());
        assertThat(storeA.ids()).isEqualTo(storeB.ids());
    }

    @Test
    void aRecordWhoseBytesDoNotMatchItsIdIsRefusedAndTheRestTaken() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = nodes();
        Random records = new Random(9);
        for (int i = 0; i < 50; i++) {
            storeB.put(record(records, 1 + i));
        }
        storeA.applied = 100;
        StoredRecord good = record(records, 51);
        Assertion forged = (Assertion) LogRecordCodec.decode(good.getTypeValue(), good.getPayload().toByteArray(), 1, 51);
        Assertion changed = new Assertion(forged.id(), new AssertionContent(forged.content().conceptPath(),
                forged.content().predicate(), "\"not what was hashed\"", forged.content().agentId(),
                forged.content().confidence()), forged.hlc(), 1, 51);
        String forgedId = storeB.put(good.toBuilder().setPayload(ByteString.copyFrom(LogRecordCodec.encode(changed))).build());
        StoredRecord garbage = good.toBuilder().setPayload(ByteString.copyFromUtf8("not a record")).build();
        storeB.putUnder("ab".repeat(32), garbage);

        SyncSession done = syncToTheEnd(a, true, false);
        assertThat(done.getState()).isEqualTo("completed");
        assertThat(done.getRecordsRefused()).isEqualTo(2);
        assertThat(done.getRecordsFromThere()).isEqualTo(50);
        assertThat(handedOver).hasSize(50).doesNotContain(forgedId, "ab".repeat(32));
        assertThat(registry.get("stemedb.merkle.sync.errors").tag("reason", "content_hash").counter().count()).isEqualTo(1);
        assertThat(registry.get("stemedb.merkle.sync.errors").tag("reason", "unreadable").counter().count()).isEqualTo(1);
        assertThat(registry.get("stemedb.merkle.sync.records").tag("outcome", "refused").counter().count()).isEqualTo(2);
        assertThat(registry.get("stemedb.merkle.sync.progress").tag("peer", "b").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("stemedb.merkle.sync.bytes.received").counter().count()).isPositive();
    }

    @Test
    void recordsTheLogIsStillBringingAreLeftToItUnlessForced() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = nodes();
        Random records = new Random(3);
        for (int i = 0; i < 100; i++) {
            StoredRecord record = record(records, 1 + i);
            storeA.put(record);
            storeB.put(record);
        }
        storeA.applied = 100;
        // B has applied three more entries than A: A's log is bringing them.
        for (int i = 0; i < 3; i++) {
            storeB.put(record(records, 101 + i));
        }
        storeB.applied = 103;
        SyncSession left = syncToTheEnd(a, false, false);
        assertThat(left.getState()).isEqualTo("completed");
        assertThat(left.getRecordsLeftToLog()).isEqualTo(3);
        assertThat(handedOver).isEmpty();

        SyncSession forced = syncToTheEnd(a, true, false);
        assertThat(forced.getRecordsFromThere()).isEqualTo(3);
        assertThat(forced.getRecordsLeftToLog()).isZero();
        assertThat(storeA.ids()).isEqualTo(storeB.ids());
    }

    @Test
    void aSecondSyncWhileOneRunsIsRefusedUnlessForcedAndBadTargetsAreNamed() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = nodes();
        Random records = new Random(4);
        for (int i = 0; i < 10; i++) {
            storeB.put(record(records, 1 + i));
        }
        storeA.applied = 100;
        handoffGate = new CountDownLatch(1);
        SyncSession first = a.sync(SyncRequest.newBuilder().setOtherNode("b").build());
        assertThat(first.getState()).isIn("queued", "running");
        assertThatThrownBy(() -> a.sync(SyncRequest.newBuilder().setOtherNode("b").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        SyncSession again = a.sync(SyncRequest.newBuilder().setOtherNode("b").setForce(true).build());
        assertThat(again.getForced()).isTrue();
        handoffGate.countDown();
        SyncSession done = awaitEnd(a);
        assertThat(done.getState()).isEqualTo("completed");
        assertThat(storeA.ids()).isEqualTo(storeB.ids());

        for (String bad : List.of("", "a")) {
            assertThatThrownBy(() -> a.sync(SyncRequest.newBuilder().setOtherNode(bad).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
        assertThatThrownBy(() -> a.sync(SyncRequest.newBuilder().setOtherNode("nobody").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void anAntiEntropyRoundSyncsExactlyTheMembersWhoseStoresDiffer() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = nodes();
        RecordStore storeC = new RecordStore();
        node("c", storeC, this::appendToTheLog).close();
        Random records = new Random(8);
        for (int i = 0; i < 500; i++) {
            StoredRecord record = record(records, 1 + i);
            storeA.put(record);
            storeB.put(record);
            if (i % 7 != 0) {
                storeC.put(record); // c silently lost some
            }
        }
        storeC.applied = 500;
        assertThat(serviceA.antiEntropyRound(List.of("a", "b", "c"))).containsExactly("c");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!storeC.ids().equals(storeA.ids()) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(storeC.ids()).isEqualTo(storeA.ids());
        assertThat(serviceA.antiEntropyRound(List.of("a", "b", "c"))).as("nothing differs any more").isEmpty();
        assertThat(registry.get("stemedb.merkle.diffs").tag("outcome", "identical").counter().count()).isEqualTo(3);
        assertThat(registry.get("stemedb.merkle.diffs").tag("outcome", "different").counter().count()).isEqualTo(1);
    }

    /** Starts a sync of a with b and waits (bounded) until it has ended. */
    private SyncSession syncToTheEnd(AntiEntropyGrpc.AntiEntropyBlockingStub a, boolean force, boolean mayBeCut)
            throws InterruptedException {
        a.sync(SyncRequest.newBuilder().setOtherNode("b").setForce(force).build());
        SyncSession end = awaitEnd(a);
        if (!mayBeCut) {
            assertThat(end.getError()).isEmpty();
        }
        return end;
    }

    private SyncSession awaitEnd(AntiEntropyGrpc.AntiEntropyBlockingStub a) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            SyncSession session = a.syncSessions(SyncSessionsRequest.getDefaultInstance()).getSessions(0);
            if (session.getState().equals("completed") || session.getState().equals("interrupted")) {
                return session;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the sync did not end within 60 s");
    }

    /** Nodes a and b, each a store and an anti-entropy service; the handoff is the shared log. */
    private AntiEntropyGrpc.AntiEntropyBlockingStub nodes() throws IOException {
        RecordHandoff log = this::appendToTheLog;
        serviceA = node("a", storeA, log);
        node("b", storeB, log).close();
        return AntiEntropyGrpc.newBlockingStub(members.get("a")).withDeadlineAfter(120, TimeUnit.SECONDS);
    }

    /** The primary's log: each record at the next index, applied on both nodes. */
    private synchronized long appendToTheLog(List<Entry> records) {
        try {
            handoffGate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Entry entry : records) {
            logIndex++;
            StoredRecord record = StoredRecord.newBuilder().setTypeValue(JournalEntries.journalType(entry))
                    .setPayload(JournalEntries.journalPayload(entry)).setIndex(logIndex).setTerm(2).build();
            String id = null;
            for (RecordStore store : everyStore) {
                id = store.put(record);
                store.applied = Math.max(store.applied, logIndex);
            }
            handedOver.add(id);
        }
        return 0;
    }

    private AntiEntropyService node(String id, RecordStore store, RecordHandoff handoff) throws IOException {
        everyStore.add(store);
        servers.add(InProcessServerBuilder.forName("sync-store-" + id).addService(store).build().start());
        ManagedChannel storeChannel = channel("sync-store-" + id);
        AntiEntropyService service = new AntiEntropyService(id, storeChannel, members::get, handoff, Duration.ofSeconds(10),
                id.equals("a") ? registry : new SimpleMeterRegistry());
        servers.add(InProcessServerBuilder.forName("sync-rpc-" + id).addService(service).build().start());
        members.put(id, channel("sync-rpc-" + id));
        return service;
    }

    private ManagedChannel channel(String name) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        channels.add(channel);
        return channel;
    }

    private static StoredRecord record(Random random, long index) {
        AssertionContent content = new AssertionContent("sync/c" + Long.toHexString(random.nextLong()), "p",
                "\"v" + random.nextInt(1_000) + "\"", "agent-" + random.nextInt(5), "0.5");
        Assertion assertion = new Assertion(ContentHash.of(content), content, 1_000 + index, 1, index);
        return StoredRecord.newBuilder().setType(EntryType.ENTRY_TYPE_ASSERTION)
                .setPayload(ByteString.copyFrom(LogRecordCodec.encode(assertion))).setIndex(index).setTerm(1).build();
    }

    /** A record store's contract over a map of records, as the api-service answers it. */
    private static final class RecordStore extends RecordStoreGrpc.RecordStoreImplBase {

        private MerkleTree tree = MerkleTree.standard();
        private final Map<String, StoredRecord> records = new LinkedHashMap<>();
        /** Ids by their first 16 bits (a leaf of the standard tree), so that a range lists only its own. */
        private final Map<Integer, List<String>> byLeaf = new HashMap<>();
        final AtomicInteger readsLeft = new AtomicInteger(Integer.MAX_VALUE);
        final List<IdRangeRef> listed = new CopyOnWriteArrayList<>();
        volatile long applied;

        synchronized void clear() {
            tree = MerkleTree.standard();
            records.clear();
            byLeaf.clear();
            applied = 0;
        }

        /** Adds a record under the id its payload carries (once); returns the id. */
        String put(StoredRecord record) {
            String id = ((Assertion) LogRecordCodec.decode(record.getTypeValue(), record.getPayload().toByteArray(), 1, 1)).id();
            putUnder(id, record);
            return id;
        }

        synchronized void putUnder(String id, StoredRecord record) {
            if (records.putIfAbsent(id, record) == null) {
                tree.add(id);
                byLeaf.computeIfAbsent(HexFormat.fromHexDigits(id, 0, 4), leaf -> new ArrayList<>()).add(id);
                applied = Math.max(applied, record.getIndex());
            }
        }

        synchronized Set<String> ids() {
            return new HashSet<>(records.keySet());
        }

        @Override
        public synchronized void treeNodes(TreeNodesRequest request, StreamObserver<TreeNodesResponse> response) {
            MerkleDescent.Question question = new MerkleDescent.Question(request.getLevel(),
                    request.getParentsList().stream().mapToLong(Long::longValue).toArray());
            TreeNodesResponse.Builder answer = TreeNodesResponse.newBuilder().setBitsPerLevel(tree.bitsPerLevel())
                    .setDepth(tree.depth()).setAppliedIndex(applied);
            for (MerkleDescent.Node node : MerkleDescent.read(tree, question)) {
                answer.addNodes(TreeNode.newBuilder().setCount(node.count()).setHash(ByteString.copyFrom(node.hash())));
            }
            response.onNext(answer.build());
            response.onCompleted();
        }

        @Override
        public synchronized void listIds(ListIdsRequest request, StreamObserver<IdChunk> response) {
            listed.addAll(request.getRangesList());
            IdChunk.Builder chunk = IdChunk.newBuilder();
            for (IdRangeRef ref : request.getRangesList()) {
                int shift = 16 - ref.getPrefixBits();
                int first = (int) (ref.getPrefix() << shift);
                for (int leaf = first; leaf < first + (1 << shift); leaf++) {
                    chunk.addAllIds(byLeaf.getOrDefault(leaf, List.of()));
                }
            }
            response.onNext(chunk.build());
            response.onCompleted();
        }

        @Override
        public synchronized void readRecords(ReadRecordsRequest request, StreamObserver<RecordChunk> response) {
            if (readsLeft.getAndDecrement() <= 0) {
                response.onError(Status.UNAVAILABLE.withDescription("gone").asRuntimeException());
                return;
            }
            RecordChunk.Builder chunk = RecordChunk.newBuilder();
            for (String id : request.getIdsList()) {
                StoredRecord record = records.get(id);
                if (record != null) {
                    chunk.addRecords(record);
                }
            }
            response.onNext(chunk.build());
            response.onCompleted();
        }
    }
}
