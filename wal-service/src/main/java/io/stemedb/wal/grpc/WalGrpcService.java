package io.stemedb.wal.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.wal.AppendRequest;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.CommitIndexRequest;
import io.stemedb.proto.wal.CommitIndexResponse;
import io.stemedb.proto.wal.EntryToAppend;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.proto.wal.FenceRequest;
import io.stemedb.proto.wal.FenceResponse;
import io.stemedb.proto.wal.HardStateRequest;
import io.stemedb.proto.wal.HardStateResponse;
import io.stemedb.proto.wal.PrimaryRequest;
import io.stemedb.proto.wal.PrimaryResponse;
import io.stemedb.proto.wal.ReadRequest;
import io.stemedb.proto.wal.ReplicaAppendRequest;
import io.stemedb.proto.wal.ReplicaAppendResponse;
import io.stemedb.proto.wal.ReplicaEntry;
import io.stemedb.proto.wal.RetainRequest;
import io.stemedb.proto.wal.RetainResponse;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalEntryBatch;
import io.stemedb.proto.wal.WalGrpc;
import io.stemedb.wal.config.WalProperties;
import io.stemedb.wal.fencing.HardState;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.groupcommit.ReplicaAppendResult;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.DurablePosition;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.retention.RetentionFloors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Service;

/**
 * The wal-service's gRPC API (stemedb_wal.proto); errors are mapped to status codes here and in
 * {@link Statuses} only.
 */
@Service
public class WalGrpcService extends WalGrpc.WalImplBase {

    private final GroupCommitter committer;
    private final ChronicleJournal journal;
    private final ReadStreams readStreams;
    private final RetentionFloors retentionFloors;
    private final long maxEntryBytes;

    public WalGrpcService(GroupCommitter committer, ChronicleJournal journal, ReadStreams readStreams,
            RetentionFloors retentionFloors, WalProperties properties) {
        this.committer = committer;
        this.retentionFloors = retentionFloors;
        this.journal = journal;
        this.readStreams = readStreams;
        this.maxEntryBytes = properties.maxEntrySize().toBytes();
    }

    @Override
    public void append(AppendRequest request, StreamObserver<AppendResponse> response) {
        if (request.getEntriesCount() == 0) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("append without entries").asRuntimeException());
            return;
        }
        List<EntryToWrite> entries = new ArrayList<>(request.getEntriesCount());
        for (EntryToAppend entry : request.getEntriesList()) {
            String problem = entryProblem(entry.getType(), entry.getPayload());
            if (problem != null) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
                return;
            }
            entries.add(new EntryToWrite(entry.getTerm(), entry.getTypeValue(), entry.getPayload().toByteArray()));
        }
        committer.append(entries).whenComplete((result, error) -> {
            if (error == null) {
                response.onNext(AppendResponse.newBuilder()
                        .setFirstIndex(result.firstIndex())
                        .setLastIndex(result.lastIndex())
                        .setTerm(result.term())
                        .build());
                response.onCompleted();
            } else {
                response.onError(Statuses.of(error).asRuntimeException());
            }
        });
    }

    @Override
    public void fence(FenceRequest request, StreamObserver<FenceResponse> response) {
        try {
            long fenced = committer.fence(request.getTerm());
            response.onNext(FenceResponse.newBuilder().setFencedTerm(fenced).build());
            response.onCompleted();
        } catch (IOException e) {
            response.onError(Status.UNAVAILABLE.withDescription("cannot persist the fenced term: " + e)
                    .asRuntimeException());
        }
    }

    /**
     * A lower term than the fenced one changes nothing and is answered with the current hard state
     * (like {@code Fence}): the caller sees a higher term in the answer and knows it is behind.
     */
    @Override
    public void setHardState(HardStateRequest request, StreamObserver<HardStateResponse> response) {
        HardState state;
        try {
            state = committer.setHardState(request.getTerm(), request.getVotedFor());
        } catch (IOException e) {
            response.onError(Status.UNAVAILABLE.withDescription("cannot persist the hard state: " + e)
                    .asRuntimeException());
            return;
        } catch (RuntimeException e) {
            response.onError(Statuses.of(e).asRuntimeException());
            return;
        }
        response.onNext(HardStateResponse.newBuilder().setTerm(state.term()).setVotedFor(state.votedFor()).build());
        response.onCompleted();
    }

    @Override
    public void setPrimary(PrimaryRequest request, StreamObserver<PrimaryResponse> response) {
        boolean primary;
        try {
            primary = committer.setPrimary(request.getTerm(), request.getPrimary());
        } catch (RuntimeException e) {
            response.onError(Statuses.of(e).asRuntimeException());
            return;
        }
        response.onNext(PrimaryResponse.newBuilder().setPrimary(primary).build());
        response.onCompleted();
    }

    @Override
    public void replicaAppend(ReplicaAppendRequest request, StreamObserver<ReplicaAppendResponse> response) {
        List<JournalEntry> entries = new ArrayList<>(request.getEntriesCount());
        for (ReplicaEntry entry : request.getEntriesList()) {
            String problem = entryProblem(entry.getType(), entry.getPayload());
            if (problem == null && entry.getTerm() == 0) {
                problem = "replica entry " + entry.getIndex() + " has term 0; replica entries keep their primary's term";
            }
            if (problem != null) {
                response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
                return;
            }
            entries.add(new JournalEntry(entry.getIndex(), entry.getTerm(), entry.getTypeValue(),
                    entry.getPayload().toByteArray()));
        }
        CompletableFuture<ReplicaAppendResult> written;
        try {
            written = request.getRebaseTo() > 0
                    ? committer.rebase(request.getTruncateFrom(), entries, request.getRebaseTo(), request.getRebaseTerm(),
                            request.getRebaseConfiguration().toByteArray())
                    : committer.replicaAppend(request.getTruncateFrom(), entries);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        written.whenComplete((result, error) -> {
            if (error == null) {
                ReplicaAppendResponse.Builder answer = ReplicaAppendResponse.newBuilder().setLastIndex(result.lastIndex());
                result.dropped().forEach(dropped -> answer.addDropped(toProto(dropped)));
                response.onNext(answer.build());
                response.onCompleted();
            } else {
                response.onError(Statuses.of(error).asRuntimeException());
            }
        });
    }

    @Override
    public void setCommitIndex(CommitIndexRequest request, StreamObserver<CommitIndexResponse> response) {
        long commitIndex = journal.raiseCommitIndex(request.getCommitIndex());
        response.onNext(CommitIndexResponse.newBuilder().setCommitIndex(commitIndex).build());
        response.onCompleted();
    }

    @Override
    public void retain(RetainRequest request, StreamObserver<RetainResponse> response) {
        if (request.getConsumer().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("consumer is required").asRuntimeException());
            return;
        }
        retentionFloors.report(request.getConsumer(), request.getNeededFromIndex());
        response.onNext(RetainResponse.newBuilder().setFirstIndex(journal.firstIndex()).build());
        response.onCompleted();
    }

    @Override
    public void read(ReadRequest request, StreamObserver<WalEntryBatch> response) {
        readStreams.start(request, response);
    }

    @Override
    public void getStatus(StatusRequest request, StreamObserver<StatusResponse> response) {
        String failure = committer.failure();
        HardState hardState = committer.hardState();
        DurablePosition durable = journal.durablePosition();
        response.onNext(StatusResponse.newBuilder()
                .setFirstIndex(journal.firstIndex())
                .setLastDurableIndex(durable.index())
                .setWritable(failure == null)
                .setDetail(failure == null ? "" : failure)
                .setFencedTerm(hardState.term())
                .setVotedFor(hardState.votedFor())
                .setPrimary(committer.isPrimary())
                .setCommitIndex(journal.commitIndex())
                .setLastTerm(durable.term())
                .setBaseTerm(journal.baseTerm())
                .setBaseConfiguration(ByteString.copyFrom(journal.baseConfiguration()))
                .setBaseRebased(journal.baseRebased())
                .build());
        response.onCompleted();
    }

    static WalEntry toProto(JournalEntry entry) {
        return WalEntry.newBuilder()
                .setIndex(entry.index())
                .setTerm(entry.term())
                .setTypeValue(entry.type())
                .setPayload(ByteString.copyFrom(entry.payload()))
                .build();
    }

    /** The entry's index, term and type, its payload left empty ({@code ReadRequest.headers_only}). */
    static WalEntry headerOf(JournalEntry entry) {
        return WalEntry.newBuilder()
                .setIndex(entry.index())
                .setTerm(entry.term())
                .setTypeValue(entry.type())
                .build();
    }

    private String entryProblem(EntryType type, ByteString payload) {
        if (type == EntryType.ENTRY_TYPE_UNSPECIFIED || type == EntryType.UNRECOGNIZED) {
            return "entry without a known type";
        }
        if (payload.size() > maxEntryBytes) {
            return "entry payload of " + payload.size() + " bytes exceeds stemedb.wal.max-entry-size ("
                    + maxEntryBytes + " bytes)";
        }
        return null;
    }
}
