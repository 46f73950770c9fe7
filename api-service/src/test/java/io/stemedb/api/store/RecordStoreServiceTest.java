package io.stemedb.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The record store's contract over gRPC, in front of a real index: its tree's nodes and the ids under its leaves. */
class RecordStoreServiceTest {

    private final AssertionIndex index = new AssertionIndex(new SimpleMeterRegistry());
    private final List<String> ids = new ArrayList<>();
    private Server server;
    private ManagedChannel channel;
    private RecordStoreGrpc.RecordStoreBlockingStub store;

    @BeforeEach
    void start() throws Exception {
        for (int i = 0; i < 3_000; i++) {
            AssertionContent content = new AssertionContent("store/c" + i, "p", "\"v" + i + "\"", "agent", "0.5");
            Assertion assertion = new Assertion(ContentHash.of(content), content, i * 10L, 1, i + 1);
            index.apply(assertion);
            ids.add(assertion.id());
        }
        server = InProcessServerBuilder.forName("store-test").directExecutor().addService(new RecordStoreService(index))
                .build().start();
        channel = InProcessChannelBuilder.forName("store-test").directExecutor().build();
        store = RecordStoreGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void theRootCountsEveryRecordAndRangesListExactlyTheirIds() {
        TreeNodesResponse root = store.treeNodes(TreeNodesRequest.getDefaultInstance());
        assertThat(root.getNodes(0).getCount()).isEqualTo(3_000);
        assertThat(root.getAppliedIndex()).isEqualTo(3_000);
        assertThat(root.getDepth()).isEqualTo(4);

        assertThat(list(new IdRange(0, 0))).isEqualTo(new TreeSet<>(ids));
        String some = ids.get(17);
        long leaf = HexFormat.fromHexDigitsToLong(some, 0, 4);
        IdRange ofLeaf = new IdRange(leaf, 16);
        assertThat(list(ofLeaf)).contains(some).isEqualTo(ids.stream()
                .filter(id -> ofLeaf.contains(HexFormat.of().parseHex(id))).collect(Collectors.toCollection(TreeSet::new)));
        IdRange wider = new IdRange(leaf >>> 8, 8);
        assertThat(list(wider)).isEqualTo(ids.stream()
                .filter(id -> wider.contains(HexFormat.of().parseHex(id))).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void questionsTheTreeCannotAnswerAreInvalidArguments() {
        assertInvalid(() -> list(new IdRange(1, 17)));
        assertInvalid(() -> store.treeNodes(TreeNodesRequest.newBuilder().setLevel(5).addParents(0).build()));
        assertInvalid(() -> store.treeNodes(TreeNodesRequest.newBuilder().setLevel(1).addParents(3).build()));
        TreeNodesRequest.Builder tooMany = TreeNodesRequest.newBuilder().setLevel(4);
        for (int i = 0; i <= RecordStoreService.MAX_PARENTS; i++) {
            tooMany.addParents(i % 4096);
        }
        assertInvalid(() -> store.treeNodes(tooMany.build()));
    }

    private Set<String> list(IdRange range) {
        Set<String> listed = new TreeSet<>();
        store.listIds(ListIdsRequest.newBuilder()
                .addRanges(IdRangeRef.newBuilder().setPrefix(range.prefix()).setPrefixBits(range.prefixBits())).build())
                .forEachRemaining(chunk -> listed.addAll(chunk.getIdsList()));
        return listed;
    }

    private static void assertInvalid(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
