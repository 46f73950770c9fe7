package io.stemedb.replication.control;

import io.grpc.stub.ServerCallStreamObserver;
import io.stemedb.proto.consensus.CommitUpdate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open {@code WatchCommit} streams: each gets the current state at once, then every change. */
public final class CommitWatchers {

    private final Set<ServerCallStreamObserver<CommitUpdate>> watchers = ConcurrentHashMap.newKeySet();
    private volatile CommitUpdate current = CommitUpdate.getDefaultInstance();

    public void add(ServerCallStreamObserver<CommitUpdate> watcher) {
        watchers.add(watcher);
        watcher.setOnCancelHandler(() -> watchers.remove(watcher));
        send(watcher, current);
    }

    public void publish(CommitUpdate update) {
        current = update;
        for (ServerCallStreamObserver<CommitUpdate> watcher : watchers) {
            send(watcher, update);
        }
    }

    public CommitUpdate current() {
        return current;
    }

    private void send(ServerCallStreamObserver<CommitUpdate> watcher, CommitUpdate update) {
        try {
            synchronized (watcher) {
                watcher.onNext(update);
            }
        } catch (RuntimeException gone) {
            watchers.remove(watcher);
        }
    }
}
