package io.stemedb.api.wal;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.stemedb.proto.wal.AppendRequest;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.EntryToAppend;
import io.stemedb.proto.wal.ReadRequest;
import io.stemedb.proto.wal.RetainRequest;
import io.stemedb.proto.wal.RetainResponse;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalEntryBatch;
import io.stemedb.proto.wal.WalGrpc;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The api-service's side of the wal-service's gRPC contract. Every unary call has a deadline. */
public class WalClient {

    private final WalGrpc.WalStub async;
    private final WalGrpc.WalBlockingStub blocking;
    private final Duration timeout;

    public WalClient(ManagedChannel channel, Duration timeout) {
        this.async = WalGrpc.newStub(channel);
        this.blocking = WalGrpc.newBlockingStub(channel);
        this.timeout = timeout;
    }

    /** Appends entries; completes once they are durable, or with the gRPC status that says why not. */
    public CompletableFuture<AppendResponse> append(List<EntryToAppend> entries) {
        CompletableFuture<AppendResponse> result = new CompletableFuture<>();
        async.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .append(AppendRequest.newBuilder().addAllEntries(entries).build(), new ClientResponseObserver<AppendRequest, AppendResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<AppendRequest> requestStream) {}

                    @Override
                    public void onNext(AppendResponse response) {
                        result.complete(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        result.completeExceptionally(error);
                    }

                    @Override
                    public void onCompleted() {}
                });
        return result;
    }

    /** Tells the wal-service's retention that {@code consumer} needs entries from {@code neededFrom} on. */
    public RetainResponse retain(String consumer, long neededFrom) {
        return blocking.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
                .retain(RetainRequest.newBuilder().setConsumer(consumer).setNeededFromIndex(neededFrom).build());
    }

    public StatusResponse status() {
        return status(timeout);
    }

    public StatusResponse status(Duration deadline) {
        return blocking.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS).getStatus(StatusRequest.getDefaultInstance());
    }

    /**
     * A following stream of durable entries from {@code fromIndex}. Flow control is the blocking
     * iterator's: the server sends only as fast as the caller consumes. No deadline: the stream is
     * meant to stay open; it ends with an exception when the wal-service goes away.
     */
    public FollowStream follow(long fromIndex, boolean committedOnly) {
        Context.CancellableContext context = Context.current().withCancellation();
        ReadRequest request = ReadRequest.newBuilder().setFromIndex(fromIndex).setFollow(true)
                .setCommittedOnly(committedOnly).build();
        // The call belongs to the context current when it starts; cancelling that context ends it.
        Iterator<WalEntryBatch> entries;
        Context previous = context.attach();
        try {
            entries = blocking.read(request);
        } finally {
            context.detach(previous);
        }
        return new FollowStream(context, entries);
    }

    /** An open Read stream; {@link #close()} cancels it, waking a thread blocked in {@link #next()}. */
    public static final class FollowStream implements AutoCloseable {

        private final Context.CancellableContext context;
        private final Iterator<WalEntryBatch> batches;
        private Iterator<WalEntry> current = java.util.Collections.emptyIterator();

        FollowStream(Context.CancellableContext context, Iterator<WalEntryBatch> batches) {
            this.context = context;
            this.batches = batches;
        }

        /** Blocks until the next entry; throws {@code StatusRuntimeException} when the stream ends. */
        public WalEntry next() {
            while (!current.hasNext()) {
                if (!batches.hasNext()) {
                    throw Status.UNAVAILABLE.withDescription("wal-service ended the read stream").asRuntimeException();
                }
                current = batches.next().getEntriesList().iterator();
            }
            return current.next();
        }

        @Override
        public void close() {
            context.cancel(null);
        }
    }
}
