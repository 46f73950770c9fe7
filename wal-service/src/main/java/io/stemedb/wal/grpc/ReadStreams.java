package io.stemedb.wal.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.wal.ReadRequest;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalEntryBatch;
import io.stemedb.wal.config.WalProperties;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.EntriesDeletedException;
import io.stemedb.wal.journal.JournalReader;
import io.stemedb.wal.journal.JournalTruncatedException;
import io.stemedb.wal.journal.JournalUnavailableException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Serves Read streams: each stream gets a thread (virtual on JDK 21+) with its own journal reader.
 *
 * <p>A stream with {@code committed_only} delivers nothing above the commit index (nor above the
 * durable index) and waits for the commit index to move as a following stream waits for
 * durability. A stream that had delivered an entry a truncation dropped ends with ABORTED; one
 * that had not got that far carries on with the entries written in their place.
 *
 * <p>Flow control: a stream sends only while gRPC says the client can take more
 * ({@code isReady}); otherwise its thread parks until {@code onReady}. A slow reader therefore
 * slows its own stream and costs the server one parked thread, never an unbounded buffer.
 *
 * <p>Stopped before the gRPC server (highest lifecycle phase), so that open streams end promptly
 * with UNAVAILABLE instead of holding up the server's graceful shutdown.
 */
@Component
public class ReadStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReadStreams.class);
    // One gRPC message per entry costs a flow-control round trip each (a blocking client asks for
    // one message at a time); batches of what is already durable remove that from the per-entry cost.
    static final int DEFAULT_BATCH_ENTRIES = 512;
    static final int MAX_BATCH_ENTRIES = 4096;
    static final long MAX_BATCH_BYTES = 1 << 20;

    private final ChronicleJournal journal;
    private final Semaphore slots;
    private final long pollNanos;
    private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("wal-read-");
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public ReadStreams(ChronicleJournal journal, WalProperties properties) {
        this.journal = journal;
        this.slots = new Semaphore(properties.read().maxStreams());
        this.pollNanos = properties.read().pollInterval().toNanos();
        if (Runtime.version().feature() >= 21) {
            executor.setVirtualThreads(true);
        }
    }

    void start(ReadRequest request, StreamObserver<WalEntryBatch> observer) {
        ServerCallStreamObserver<WalEntryBatch> stream = (ServerCallStreamObserver<WalEntryBatch>) observer;
        int maxBatchEntries = request.getMaxBatchEntries();
        int batchLimit = maxBatchEntries <= 0 ? DEFAULT_BATCH_ENTRIES : Math.min(maxBatchEntries, MAX_BATCH_ENTRIES);
        if (!running) {
            stream.onError(Status.UNAVAILABLE.withDescription("wal-service is not serving reads").asRuntimeException());
            return;
        }
        if (!slots.tryAcquire()) {
            stream.onError(Status.RESOURCE_EXHAUSTED
                    .withDescription("too many read streams (stemedb.wal.read.max-streams)").asRuntimeException());
            return;
        }
        Session session = new Session(request.getFromIndex(), request.getFollow(), request.getCommittedOnly(),
                request.getHeadersOnly(), batchLimit, stream);
        // Handlers must be installed before this call returns to gRPC.
        stream.setOnReadyHandler(session::wake);
        stream.setOnCancelHandler(session::cancel);
        sessions.add(session);
        executor.execute(session);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        sessions.forEach(Session::wake);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!sessions.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private final class Session implements Runnable {

        private final long fromIndex;
        private final boolean follow;
        private final boolean committedOnly;
        private final boolean headersOnly;
        private final ServerCallStreamObserver<WalEntryBatch> stream;
        private final int batchLimit;
        private volatile boolean cancelled;
        private volatile Thread thread;

        Session(long fromIndex, boolean follow, boolean committedOnly, boolean headersOnly, int batchLimit,
                ServerCallStreamObserver<WalEntryBatch> stream) {
            this.batchLimit = batchLimit;
            this.fromIndex = fromIndex;
            this.follow = follow;
            this.committedOnly = committedOnly;
            this.headersOnly = headersOnly;
            this.stream = stream;
        }

        void wake() {
            Thread current = thread;
            if (current != null) {
                LockSupport.unpark(current);
            }
        }

        void cancel() {
            cancelled = true;
            wake();
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            try (JournalReader reader = journal.openReader(fromIndex, committedOnly)) {
                stream(reader);
            } catch (JournalTruncatedException e) {
                endWith(Status.ABORTED.withDescription(e.getMessage()));
            } catch (JournalUnavailableException e) {
                endWith(Status.UNAVAILABLE.withDescription(e.getMessage()));
            } catch (EntriesDeletedException e) {
                endWith(Status.OUT_OF_RANGE.withDescription(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                endWith(Status.UNAVAILABLE.withDescription("wal-service is shutting down"));
            } catch (RuntimeException e) {
                log.error("read stream from index {} failed", fromIndex, e);
                endWith(Status.INTERNAL.withDescription(e.toString()));
            } finally {
                sessions.remove(this);
                slots.release();
            }
        }

        private void stream(JournalReader reader) throws InterruptedException {
            while (!cancelled) {
                if (!running) {
                    endWith(Status.UNAVAILABLE.withDescription("wal-service is shutting down"));
                    return;
                }
                if (!stream.isReady()) {
                    LockSupport.parkNanos(pollNanos);
                    continue;
                }
                JournalEntry entry = reader.next();
                if (entry != null) {
                    WalEntryBatch batch = batchFrom(entry, reader);
                    // Sent under the reader's lock: no truncation can drop these entries between
                    // the check that they are still the journal's and the send.
                    reader.deliver(() -> stream.onNext(batch));
                } else if (!follow && reader.nextIndex() > reader.readableThrough()) {
                    stream.onCompleted();
                    return;
                } else if (reader.nextIndex() <= reader.readableThrough()) {
                    // Durable but not yet visible to this tailer (it is crossing into a new
                    // segment); look again shortly.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                } else {
                    reader.awaitReadable(pollNanos, TimeUnit.NANOSECONDS);
                }
            }
        }

        /** The entry and whatever else is durable right now, up to the batch limits. */
        private WalEntryBatch batchFrom(JournalEntry first, JournalReader reader) {
            WalEntryBatch.Builder batch = WalEntryBatch.newBuilder().addEntries(message(first));
            long bytes = headersOnly ? 0 : first.payload().length;
            while (batch.getEntriesCount() < batchLimit && bytes < MAX_BATCH_BYTES) {
                JournalEntry next = reader.next();
                if (next == null) {
                    break;
                }
                batch.addEntries(message(next));
                bytes += headersOnly ? 0 : next.payload().length;
            }
            return batch.build();
        }

        private WalEntry message(JournalEntry entry) {
            return headersOnly ? WalGrpcService.headerOf(entry) : WalGrpcService.toProto(entry);
        }

        private void endWith(Status status) {
            if (!cancelled) {
                try {
                    stream.onError(status.asRuntimeException());
                } catch (IllegalStateException alreadyClosed) {
                    // The call ended on its own meanwhile; nothing to tell.
                }
            }
        }
    }
}
