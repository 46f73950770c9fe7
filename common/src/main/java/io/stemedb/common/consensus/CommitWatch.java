package io.stemedb.common.consensus;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.consensus.CommitUpdate;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.proto.consensus.WatchCommitRequest;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A node's commit index and primary, as its replication-service streams them
 * ({@code ConsensusControl.WatchCommit}): one long-lived stream, opened again whenever it breaks,
 * so that the api can wait for a write's commit and the gateway knows where the primary is
 * without a call per request. Shared by both, as the client side of one contract.
 */
public final class CommitWatch implements AutoCloseable {

    private static final long RECONNECT_MS = 200;

    private final ManagedChannel channel;
    private final ConsensusControlGrpc.ConsensusControlStub stub;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "commit-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile CommitState state = CommitState.UNKNOWN;
    private volatile boolean closed;

    public CommitWatch(ManagedChannel channel) {
        this.channel = channel;
        this.stub = ConsensusControlGrpc.newStub(channel);
    }

    public void start() {
        watch();
    }

    /**
     * Tries again now, not when the channel's own backoff says: after failed connects gRPC waits
     * 1 s, then 1.6 times longer each time, so a service that comes up a few seconds after this
     * one (the embedded node starts the api before the replication and membership services) was
     * seen up to ~4 s late, and the node's health with it. The service is this node's own, so a
     * connect every retry interval costs nothing.
     */
    private void reconnect() {
        channel.resetConnectBackoff();
        watch();
    }

    private void watch() {
        if (closed) {
            return;
        }
        stub.watchCommit(WatchCommitRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(CommitUpdate update) {
                publish(new CommitState(update.getCommitIndex(), update.getTerm(), update.getRole(), update.getPrimaryId(),
                        update.getPrimaryApi(), update.getWritable(), update.getReplicationLagging(),
                        update.getTermStartIndex(), true));
            }

            @Override
            public void onError(Throwable error) {
                disconnected();
            }

            @Override
            public void onCompleted() {
                disconnected();
            }
        });
    }

    private void disconnected() {
        CommitState last = state;
        // Not writable while nothing is known: a write must not be acknowledged on stale news.
        publish(new CommitState(last.commitIndex(), last.term(), last.role(), last.primaryId(), last.primaryApi(), false,
                last.lagging(), last.termStartIndex(), false));
        if (!closed) {
            reconnects.schedule(this::reconnect, RECONNECT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void publish(CommitState next) {
        lock.lock();
        try {
            state = next;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public CommitState state() {
        return state;
    }

    /**
     * Waits until the commit index reaches {@code index}; false if it does not within
     * {@code wait}, or once this node is in a term after {@code term} (the write, of that term,
     * may then never commit).
     */
    public boolean awaitCommit(long index, long term, Duration wait) throws InterruptedException {
        long remaining = wait.toNanos();
        lock.lock();
        try {
            while (state.commitIndex() < index) {
                if (remaining <= 0 || state.term() > term) {
                    return state.commitIndex() >= index;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until what the replication-service says satisfies {@code condition}, at most
     * {@code wait}; the state then (which may not satisfy it, on timeout).
     */
    public CommitState awaitState(java.util.function.Predicate<CommitState> condition, Duration wait)
            throws InterruptedException {
        long remaining = wait.toNanos();
        lock.lock();
        try {
            while (!condition.test(state) && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return state;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
    }
}
