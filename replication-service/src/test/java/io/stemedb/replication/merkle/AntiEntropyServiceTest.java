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
import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.merkle.MerkleTree;
import io.stemedb.proto.store.IdChunk;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import java.util.HexFormat;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.DiffRequest;
import io.stemedb.proto.antientropy.DiffResponse;
import io.stemedb.proto.antientropy.DifferingRange;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.TreeNode;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes' anti-entropy services over gRPC (in-process transport), each in front of a store
 * that serves a real tree the way the api-service's record store does: the diff one asks of the
 * other names exactly the ranges {@link MerkleDifference} finds with both trees in hand.
 */
class AntiEntropyServiceTest {

    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Map<String, ManagedChannel> members = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void theDiffOverTheNetworkNamesWhatTheTreesInHandDo() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = node("a", new TreeStore(MerkleTree.standard()));
        TreeStore storeA = store("a");
        TreeStore storeB = new TreeStore(MerkleTree.standard());
        node("b", storeB);
        Random random = new Random(Long.getLong("merkle.seed", 31L));
        for (int schedule = 0; schedule < 60; schedule++) {
            long seed = random.nextLong();
            Random ids = new Random(seed);
            storeA.reset();
            storeB.reset();
            int shared = ids.nextInt(2_000);
            for (int i = 0; i < shared; i++) {
                byte[] id = id(ids);
                storeA.add(id);
                storeB.add(id);
            }
            int onlyA = ids.nextInt(3) == 0 ? 0 : ids.nextInt(300);
            int onlyB = ids.nextInt(3) == 0 ? 0 : ids.nextInt(300);
            for (int i = 0; i < onlyA; i++) {
                storeA.add(id(ids));
            }
            for (int i = 0; i < onlyB; i++) {
                storeB.add(id(ids));
            }
            DiffResponse diff = a.diff(DiffRequest.newBuilder().setOtherNode("b").build());
            List<MerkleDifference.Range> expected = MerkleDifference.difference(storeA.tree, storeB.tree);
            List<String> got = diff.getRangesList().stream().map(AntiEntropyServiceTest::describe).toList();
            assertThat(got).as("seed " + seed).isEqualTo(expected.stream().map(AntiEntropyServiceTest::describe).toList());
            assertThat(diff.getRecordsHere()).isEqualTo(shared + onlyA);
            assertThat(diff.getRecordsThere()).isEqualTo(shared + onlyB);
            assertThat(diff.getRounds()).isBetween(1, MerkleTree.STANDARD_DEPTH + 1);
            assertThat(diff.getExact()).isTrue();
            assertThat(diff.getOnlyHere()).as("records only a holds, seed " + seed).isEqualTo(onlyA);
            assertThat(diff.getOnlyThere()).as("records only b holds, seed " + seed).isEqualTo(onlyB);
            if (onlyA == 0 && onlyB == 0) {
                assertThat(diff.getRangesList()).isEmpty();
                assertThat(diff.getRounds()).as("identical stores compare their roots only").isEqualTo(1);
            }
        }
    }

    @Test
    void anUnknownMemberItselfAnUnreachableOneAndAnotherShapeAreRefused() throws Exception {
        AntiEntropyGrpc.AntiEntropyBlockingStub a = node("a", new TreeStore(MerkleTree.standard()));
        assertThatThrownBy(() -> a.diff(DiffRequest.newBuilder().setOtherNode("nobody").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> a.diff(DiffRequest.newBuilder().setOtherNode("a").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));

        node("other-shape", new TreeStore(new MerkleTree(4, 3)));
        assertThatThrownBy(() -> a.diff(DiffRequest.newBuilder().setOtherNode("other-shape").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));

        members.put("gone", InProcessChannelBuilder.forName("no-such-server").build());
        channels.add(members.get("gone"));
        assertThatThrownBy(() -> a.diff(DiffRequest.newBuilder().setOtherNode("gone").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    private final Map<String, TreeStore> stores = new ConcurrentHashMap<>();

    private TreeStore store(String node) {
        return stores.get(node);
    }

    /** Starts node {@code id}: its store and its anti-entropy service, each on an in-process server. */
    private AntiEntropyGrpc.AntiEntropyBlockingStub node(String id, TreeStore store) throws IOException {
        stores.put(id, store);
        servers.add(InProcessServerBuilder.forName("store-" + id).directExecutor().addService(store).build().start());
        ManagedChannel storeChannel = channel("store-" + id);
        AntiEntropyService service = new AntiEntropyService(id, storeChannel, members::get, records -> 0, Duration.ofSeconds(5),
                new SimpleMeterRegistry());
        servers.add(InProcessServerBuilder.forName("rpc-" + id).directExecutor().addService(service).build().start());
        members.put(id, channel("rpc-" + id));
        return AntiEntropyGrpc.newBlockingStub(members.get(id)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private ManagedChannel channel(String name) {
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        channels.add(channel);
        return channel;
    }

    private static byte[] id(Random random) {
        byte[] id = new byte[32];
        random.nextBytes(id);
        return id;
    }

    private static String describe(DifferingRange range) {
        return range.getPrefix() + "/" + range.getPrefixBits() + " " + range.getHere() + ":" + range.getThere();
    }

    private static String describe(MerkleDifference.Range range) {
        return range.range().prefix() + "/" + range.range().prefixBits() + " " + range.countHere() + ":" + range.countThere();
    }

    /** A record store's contract over a plain tree, as the api-service answers it. */
    private static final class TreeStore extends RecordStoreGrpc.RecordStoreImplBase {

        private final int bits;
        private final int depth;
        private volatile MerkleTree tree;
        private final List<byte[]> ids = new java.util.concurrent.CopyOnWriteArrayList<>();

        TreeStore(MerkleTree tree) {
            this.tree = tree;
            this.bits = tree.bitsPerLevel();
            this.depth = tree.depth();
        }

        void reset() {
            tree = new MerkleTree(bits, depth);
            ids.clear();
        }

        void add(byte[] id) {
            tree.add(id);
            ids.add(id);
        }

        @Override
        public void listIds(ListIdsRequest request, StreamObserver<IdChunk> response) {
            IdChunk.Builder chunk = IdChunk.newBuilder();
            for (IdRangeRef ref : request.getRangesList()) {
                IdRange range = new IdRange(ref.getPrefix(), ref.getPrefixBits());
                for (byte[] id : ids) {
                    if (range.contains(id)) {
                        chunk.addIds(HexFormat.of().formatHex(id));
                    }
                }
            }
            response.onNext(chunk.build());
            response.onCompleted();
        }

        @Override
        public void treeNodes(TreeNodesRequest request, StreamObserver<TreeNodesResponse> response) {
            MerkleDescent.Question question = new MerkleDescent.Question(request.getLevel(),
                    request.getParentsList().stream().mapToLong(Long::longValue).toArray());
            TreeNodesResponse.Builder answer = TreeNodesResponse.newBuilder().setBitsPerLevel(bits).setDepth(depth);
            for (MerkleDescent.Node node : MerkleDescent.read(tree, question)) {
                answer.addNodes(TreeNode.newBuilder().setCount(node.count()).setHash(ByteString.copyFrom(node.hash())));
            }
            response.onNext(answer.build());
            response.onCompleted();
        }
    }
}
