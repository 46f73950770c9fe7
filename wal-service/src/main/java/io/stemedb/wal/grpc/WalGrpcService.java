package io.stemedb.wal.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.wal.AppendRequest;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.EntryToAppend;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.proto.wal.FenceRequest;
import io.stemedb.proto.wal.FenceResponse;
import io.stemedb.proto.wal.ReadRequest;
import io.stemedb.proto.wal.RetainRequest;
import io.stemedb.proto.wal.RetainResponse;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalEntryBatch;
import io.stemedb.proto.wal.WalGrpc;
import io.stemedb.wal.config.WalProperties;
import io.stemedb.wal.fencing.StaleTermException;
import io.stemedb.wal.retention.RetentionFloors;
import java.io.IOException;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.groupcommit.OverloadedException;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Service;

/** The wal-service's gRPC API (stemedb_wal.proto); errors are mapped to status codes here only. */
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
            if (entry.getType() == EntryType.ENTRY_TYPE_UNSPECIFIED || entry.getType() == EntryType.UNRECOGNIZED) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("entry without a known type").asRuntimeException());
                return;
            }
            if (entry.getPayload().size() > maxEntryBytes) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("entry payload of " + entry.getPayload().size()
                        + " bytes exceeds stemedb.wal.max-entry-size (" + maxEntryBytes + " bytes)").asRuntimeException());
                return;
            }
            entries.add(new EntryToWrite(entry.getTerm(), entry.getTypeValue(), entry.getPayload().toByteArray()));
        }
        committer.append(entries).whenComplete((result, error) -> {
            if (error == null) {
                response.onNext(AppendResponse.newBuilder()
                        .setFirstIndex(result.firstIndex())
                        .setLastIndex(result.lastIndex())
                        .build());
                response.onCompleted();
            } else {
                response.onError(toStatus(error).asRuntimeException());
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
        readStreams.start(request.getFromIndex(), request.getFollow(), request.getMaxBatchEntries(), response);
    }

    @Override
    public void getStatus(StatusRequest request, StreamObserver<StatusResponse> response) {
        String failure = committer.failure();
        response.onNext(StatusResponse.newBuilder()
                .setFirstIndex(journal.firstIndex())
                .setLastDurableIndex(journal.durableIndex())
                .setWritable(failure == null)
                .setDetail(failure == null ? "" : failure)
                .setFencedTerm(committer.fencedTerm())
                .build());
        response.onCompleted();
    }

    static WalEntry toProto(io.stemedb.wal.journal.JournalEntry entry) {
        return WalEntry.newBuilder()
                .setIndex(entry.index())
                .setTerm(entry.term())
                .setTypeValue(entry.type())
                .setPayload(ByteString.copyFrom(entry.payload()))
                .build();
    }

    private static Status toStatus(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof JournalUnavailableException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage());
        }
        if (cause instanceof StaleTermException) {
            return Status.FAILED_PRECONDITION.withDescription(cause.getMessage());
        }
        if (cause instanceof OverloadedException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(cause.getMessage());
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause);
    }
}
