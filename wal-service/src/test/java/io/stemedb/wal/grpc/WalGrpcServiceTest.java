package io.stemedb.wal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stemedb.proto.wal.AppendRequest;
import io.stemedb.proto.wal.CommitIndexRequest;
import io.stemedb.proto.wal.EntryToAppend;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.proto.wal.FenceRequest;
import io.stemedb.proto.wal.HardStateRequest;
import io.stemedb.proto.wal.HardStateResponse;
import io.stemedb.proto.wal.PrimaryRequest;
import io.stemedb.proto.wal.ReadRequest;
import io.stemedb.proto.wal.ReplicaAppendRequest;
import io.stemedb.proto.wal.ReplicaAppendResponse;
import io.stemedb.proto.wal.ReplicaEntry;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalGrpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The replication calls of stemedb_wal.proto, over a real gRPC connection. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WalGrpcServiceTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void hardStateKeepsOneVotePerTermAndNeverLowersTheTerm() throws Exception {
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            WalGrpc.WalBlockingStub stub = wal.blocking();
            assertThat(hardState(stub, 3, "node-a")).isEqualTo(answer(3, "node-a"));
            assertThat(hardState(stub, 3, "node-a")).isEqualTo(answer(3, "node-a"));
            assertStatus(() -> hardState(stub, 3, "node-b"), Status.Code.FAILED_PRECONDITION, "already voted for node-a in term 3");
            assertThat(hardState(stub, 2, "node-c")).as("a lower term answers the current state").isEqualTo(answer(3, "node-a"));
            assertStatus(() -> hardState(stub, 4, "bad\nname"), Status.Code.INVALID_ARGUMENT, "voted_for");

            StatusResponse status = stub.getStatus(StatusRequest.getDefaultInstance());
            assertThat(status.getFencedTerm()).isEqualTo(3);
            assertThat(status.getVotedFor()).isEqualTo("node-a");

            assertThat(stub.fence(FenceRequest.newBuilder().setTerm(5).build()).getFencedTerm()).isEqualTo(5);
            assertThat(stub.getStatus(StatusRequest.getDefaultInstance()).getVotedFor()).as("Fence records no vote").isEmpty();
            assertThat(hardState(stub, 5, "node-d")).isEqualTo(answer(5, "node-d"));
        }
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            assertThat(hardState(wal.blocking(), 5, "")).isEqualTo(answer(5, "node-d"));
            assertStatus(() -> hardState(wal.blocking(), 5, "node-e"), Status.Code.FAILED_PRECONDITION, "already voted");
        }
    }

    @Test
    void termZeroAppendsNeedPrimaryModeAndAreStampedWithTheFencedTerm() throws Exception {
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            WalGrpc.WalBlockingStub stub = wal.blocking();
            hardState(stub, 2, "node-a");
            assertStatus(() -> append(stub, 0, "x"), Status.Code.FAILED_PRECONDITION, "not in primary mode");
            assertStatus(() -> stub.setPrimary(PrimaryRequest.newBuilder().setTerm(1).setPrimary(true).build()),
                    Status.Code.FAILED_PRECONDITION, "term 1 is not the fenced term 2");

            assertThat(stub.setPrimary(PrimaryRequest.newBuilder().setTerm(2).setPrimary(true).build()).getPrimary()).isTrue();
            assertThat(append(stub, 0, "a")).isEqualTo(1);
            assertThat(stub.append(AppendRequest.newBuilder().addEntries(EntryToAppend.newBuilder()
                    .setType(EntryType.ENTRY_TYPE_NOOP)).build()).getTerm()).as("stamped with the fenced term").isEqualTo(2);
            assertThat(append(stub, 2, "b")).as("an explicit term keeps working").isEqualTo(3);
            assertStatus(() -> append(stub, 1, "stale"), Status.Code.FAILED_PRECONDITION, "below the fenced term 2");
            assertThat(readAll(stub, 1)).extracting(WalEntry::getTerm).containsExactly(2L, 2L, 2L);
            assertThat(readAll(stub, 2).get(0).getType()).isEqualTo(EntryType.ENTRY_TYPE_NOOP);

            StatusResponse status = stub.getStatus(StatusRequest.getDefaultInstance());
            assertThat(status.getPrimary()).isTrue();
            assertThat(status.getLastTerm()).isEqualTo(2);
            assertThat(status.getLastDurableIndex()).isEqualTo(3);

            hardState(stub, 3, "node-b");
            assertThat(stub.getStatus(StatusRequest.getDefaultInstance()).getPrimary()).isFalse();
            assertStatus(() -> append(stub, 0, "late"), Status.Code.FAILED_PRECONDITION, "not in primary mode");
        }
    }

    @Test
    void replicaAppendTruncatesAppendsAndAnswersTheDroppedEntries() throws Exception {
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            WalGrpc.WalBlockingStub stub = wal.blocking();
            hardState(stub, 4, "node-a");
            assertThat(replicate(stub, 0, 1, 10, 1, "a").getLastIndex()).isEqualTo(10);

            ReplicaAppendResponse answer = replicate(stub, 8, 8, 9, 4, "b");
            assertThat(answer.getLastIndex()).isEqualTo(9);
            assertThat(answer.getDroppedList()).extracting(WalEntry::getIndex).containsExactly(8L, 9L, 10L);
            assertThat(answer.getDropped(0).getPayload().toStringUtf8()).isEqualTo("a8");
            assertThat(answer.getDropped(0).getTerm()).isEqualTo(1);
            assertThat(answer.getDropped(0).getType()).isEqualTo(EntryType.ENTRY_TYPE_ASSERTION);
            assertThat(readAll(stub, 7)).extracting(entry -> entry.getPayload().toStringUtf8()).containsExactly("a7", "b8", "b9");

            assertStatus(() -> replicate(stub, 0, 11, 11, 4, "gap"), Status.Code.FAILED_PRECONDITION, "without a gap");
            assertStatus(() -> replicate(stub, 0, 10, 10, 5, "future"), Status.Code.FAILED_PRECONDITION, "above the fenced term");
            assertStatus(() -> replicate(stub, 12, 12, 12, 4, "far"), Status.Code.FAILED_PRECONDITION, "more than one past");
            assertStatus(() -> replicate(stub, 0, 10, 10, 0, "no-term"), Status.Code.INVALID_ARGUMENT, "term 0");
            stub.setPrimary(PrimaryRequest.newBuilder().setTerm(4).setPrimary(true).build());
            assertStatus(() -> replicate(stub, 0, 10, 10, 4, "primary"), Status.Code.FAILED_PRECONDITION, "primary mode");

            StatusResponse status = stub.getStatus(StatusRequest.getDefaultInstance());
            assertThat(status.getLastDurableIndex()).isEqualTo(9);
            assertThat(status.getLastTerm()).isEqualTo(4);
            assertThat(wal.counter("stemedb.wal.replica.appends")).isEqualTo(2);
            assertThat(wal.counter("stemedb.wal.truncations")).isEqualTo(1);
            assertThat(wal.counter("stemedb.wal.entries.dropped")).isEqualTo(3);
        }
    }

    @Test
    void aStreamPastTheCutEndsAbortedAndOneBeforeItGoesOnWithTheNewEntries() throws Exception {
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            WalGrpc.WalBlockingStub stub = wal.blocking();
            hardState(stub, 2, "node-a");
            replicate(stub, 0, 1, 10, 1, "a");
            stub.setCommitIndex(CommitIndexRequest.newBuilder().setCommitIndex(5).build());

            StreamRecorder past = follow(wal, 1, false);
            StreamRecorder committed = follow(wal, 1, true);
            StreamRecorder ahead = follow(wal, 12, false);
            assertThat(past.awaitEntries(10, PROMPTLY)).isTrue();
            assertThat(committed.awaitEntries(5, PROMPTLY)).isTrue();

            replicate(stub, 8, 8, 12, 2, "b");

            Status ended = past.ended.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            assertThat(ended.getCode()).isEqualTo(Status.Code.ABORTED);
            assertThat(ended.getDescription()).contains("truncated at 8");
            assertThat(past.indexes()).containsExactlyElementsOf(range(1, 10));

            assertThat(ahead.awaitEntries(1, PROMPTLY)).isTrue();
            assertThat(ahead.entries.get(0).getPayload().toStringUtf8()).isEqualTo("b12");

            stub.setCommitIndex(CommitIndexRequest.newBuilder().setCommitIndex(12).build());
            assertThat(committed.awaitEntries(12, PROMPTLY)).isTrue();
            assertThat(committed.entries).extracting(entry -> entry.getPayload().toStringUtf8())
                    .containsExactly("a1", "a2", "a3", "a4", "a5", "a6", "a7", "b8", "b9", "b10", "b11", "b12");
            assertThat(committed.ended).isNotDone();
            assertThat(ahead.ended).isNotDone();
        }
    }

    @Test
    void committedOnlyStreamsStopAtTheCommitIndexAndMoveWithIt() throws Exception {
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            WalGrpc.WalBlockingStub stub = wal.blocking();
            for (int i = 1; i <= 10; i++) {
                append(stub, 1, "e" + i);
            }
            StreamRecorder committed = follow(wal, 0, true);
            StreamRecorder everything = follow(wal, 0, false);
            assertThat(everything.awaitEntries(10, PROMPTLY)).isTrue();
            Thread.sleep(300);
            assertThat(committed.entries).as("nothing is committed after a start").isEmpty();

            assertThat(stub.setCommitIndex(CommitIndexRequest.newBuilder().setCommitIndex(3).build()).getCommitIndex()).isEqualTo(3);
            assertThat(committed.awaitEntries(3, PROMPTLY)).as("woken by the commit index, not the 20 s poll").isTrue();
            Thread.sleep(300);
            assertThat(committed.indexes()).containsExactly(1L, 2L, 3L);
            assertThat(stub.setCommitIndex(CommitIndexRequest.newBuilder().setCommitIndex(2).build()).getCommitIndex())
                    .as("never lowered").isEqualTo(3);

            List<WalEntry> once = readAll(stub, ReadRequest.newBuilder().setFromIndex(1).setCommittedOnly(true).build());
            assertThat(once).extracting(WalEntry::getIndex).containsExactly(1L, 2L, 3L);

            stub.setCommitIndex(CommitIndexRequest.newBuilder().setCommitIndex(12).build());
            assertThat(committed.awaitEntries(10, PROMPTLY)).isTrue();
            Thread.sleep(300);
            assertThat(committed.indexes()).as("never above the durable index").containsExactlyElementsOf(range(1, 10));
            append(stub, 1, "e11");
            assertThat(committed.awaitEntries(11, PROMPTLY)).isTrue();
            assertThat(stub.getStatus(StatusRequest.getDefaultInstance()).getCommitIndex()).isEqualTo(12);
        }
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            assertThat(wal.blocking().getStatus(StatusRequest.getDefaultInstance()).getCommitIndex())
                    .as("volatile").isZero();
        }
    }

    @Test
    void aHeadersOnlyReadGivesEveryEntrysIndexTermAndTypeWithoutItsPayload() throws Exception {
        try (WalOnAPort wal = new WalOnAPort(dir)) {
            WalGrpc.WalBlockingStub stub = wal.blocking();
            for (int i = 1; i <= 5_000; i++) {
                append(stub, 1, "a payload that is not sent " + i);
            }
            List<WalEntry> headers = readAll(stub, ReadRequest.newBuilder().setFromIndex(2).setHeadersOnly(true)
                    .setMaxBatchEntries(4096).build());
            assertThat(headers).extracting(WalEntry::getIndex).containsExactlyElementsOf(range(2, 5_000));
            assertThat(headers).allSatisfy(entry -> {
                assertThat(entry.getTerm()).isEqualTo(1);
                assertThat(entry.getType()).isEqualTo(EntryType.ENTRY_TYPE_ASSERTION);
                assertThat(entry.getPayload().isEmpty()).isTrue();
            });
            List<WalEntry> whole = readAll(stub, ReadRequest.newBuilder().setFromIndex(4_999).build());
            assertThat(whole.get(0).getPayload().toStringUtf8()).as("a plain read still has them")
                    .isEqualTo("a payload that is not sent 4999");
        }
    }

    private static StreamRecorder follow(WalOnAPort wal, long from, boolean committedOnly) {
        StreamRecorder recorder = new StreamRecorder();
        wal.async().read(ReadRequest.newBuilder().setFromIndex(from).setFollow(true).setCommittedOnly(committedOnly).build(),
                recorder);
        return recorder;
    }

    private static List<WalEntry> readAll(WalGrpc.WalBlockingStub stub, long from) {
        return readAll(stub, ReadRequest.newBuilder().setFromIndex(from).build());
    }

    private static List<WalEntry> readAll(WalGrpc.WalBlockingStub stub, ReadRequest request) {
        List<WalEntry> entries = new java.util.ArrayList<>();
        stub.read(request).forEachRemaining(batch -> entries.addAll(batch.getEntriesList()));
        return entries;
    }

    private static HardStateResponse hardState(WalGrpc.WalBlockingStub stub, long term, String vote) {
        return stub.setHardState(HardStateRequest.newBuilder().setTerm(term).setVotedFor(vote).build());
    }

    private static HardStateResponse answer(long term, String vote) {
        return HardStateResponse.newBuilder().setTerm(term).setVotedFor(vote).build();
    }

    private static long append(WalGrpc.WalBlockingStub stub, long term, String payload) {
        return stub.append(AppendRequest.newBuilder().addEntries(EntryToAppend.newBuilder().setTerm(term)
                .setType(EntryType.ENTRY_TYPE_ASSERTION).setPayload(ByteString.copyFromUtf8(payload))).build()).getFirstIndex();
    }

    private static ReplicaAppendResponse replicate(WalGrpc.WalBlockingStub stub, long truncateFrom, long from, long to,
            long term, String prefix) {
        ReplicaAppendRequest.Builder request = ReplicaAppendRequest.newBuilder().setTruncateFrom(truncateFrom);
        for (long index = from; index <= to; index++) {
            request.addEntries(ReplicaEntry.newBuilder().setIndex(index).setTerm(term).setType(EntryType.ENTRY_TYPE_ASSERTION)
                    .setPayload(ByteString.copyFrom(prefix + index, StandardCharsets.UTF_8)));
        }
        return stub.replicaAppend(request.build());
    }

    private static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).isInstanceOf(StatusRuntimeException.class)
                .satisfies(error -> {
                    Status status = ((StatusRuntimeException) error).getStatus();
                    assertThat(status.getCode()).isEqualTo(code);
                    assertThat(status.getDescription()).contains(description);
                });
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
