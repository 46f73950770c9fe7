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
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import io.stemedb.proto.store.ReadRecordsRequest;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.StoredRecord;
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
    void recordsReadByIdAreTheLogsOwnBytesAndUnknownIdsAreLeftOut() {
        String target = ids.get(5);
        Vote vote = new Vote(ContentHash.ofVote(target, "voter", 1, 99), target, "voter", 1, 99, 2, 3_001);
        Retraction retraction = new Retraction(ContentHash.ofRetraction(target, "agent", "stale"), target, "agent", "stale",
                100, 2, 3_002);
        index.apply(vote);
        index.apply(retraction);
        List<String> asked = List.of(ids.get(0), "f".repeat(64), vote.id(), retraction.id(), ids.get(2_999));
        List<StoredRecord> read = new ArrayList<>();
        store.readRecords(ReadRecordsRequest.newBuilder().addAllIds(asked).build())
                .forEachRemaining(chunk -> read.addAll(chunk.getRecordsList()));

        assertThat(read).hasSize(4);
        List<LogRecord> decoded = read.stream().map(stored -> LogRecordCodec.decode(stored.getTypeValue(),
                stored.getPayload().toByteArray(), stored.getTerm(), stored.getIndex())).toList();
        assertThat(decoded).allMatch(ContentHash::matches);
        assertThat(decoded.get(0)).isEqualTo(index.record(ids.get(0)));
        assertThat(decoded.get(1)).isEqualTo(vote);
        assertThat(decoded.get(2)).isEqualTo(retraction);
        assertThat(read.get(3).getIndex()).isEqualTo(3_000);

        ReadRecordsRequest.Builder tooMany = ReadRecordsRequest.newBuilder();
        for (int i = 0; i <= RecordStoreService.MAX_READ_IDS; i++) {
            tooMany.addIds(ids.get(i % ids.size()));
        }
        assertInvalid(() -> store.readRecords(tooMany.build()).forEachRemaining(chunk -> {}));
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
