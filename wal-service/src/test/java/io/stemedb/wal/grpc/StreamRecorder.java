package io.stemedb.wal.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalEntryBatch;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Records what a Read stream delivers, and how it ended. */
final class StreamRecorder implements StreamObserver<WalEntryBatch> {

    final List<WalEntry> entries = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();

    @Override
    public void onNext(WalEntryBatch batch) {
        entries.addAll(batch.getEntriesList());
    }

    @Override
    public void onError(Throwable error) {
        ended.complete(Status.fromThrowable(error));
    }

    @Override
    public void onCompleted() {
        ended.complete(Status.OK);
    }

    /** Waits until the stream has delivered {@code count} entries; false if it did not within {@code timeout}. */
    boolean awaitEntries(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (entries.size() < count) {
            if (System.nanoTime() > deadline || ended.isDone()) {
                return entries.size() >= count;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }

    List<Long> indexes() {
        return entries.stream().map(WalEntry::getIndex).toList();
    }
}
