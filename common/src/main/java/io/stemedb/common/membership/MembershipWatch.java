package io.stemedb.common.membership;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.membership.ListMembersRequest;
import io.stemedb.proto.membership.MemberList;
import io.stemedb.proto.membership.MembershipGrpc;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The members as this node's membership-service streams them ({@code Membership.WatchMembers}):
 * one long-lived stream, opened again whenever it breaks. The api and the gateway list members
 * from it, the replication-service hears from it that a member went DOWN. Until the first list
 * arrives, and while the stream is down, {@link #members()} is empty and {@link #connected()}
 * false.
 */
public final class MembershipWatch implements AutoCloseable {

    private static final long RECONNECT_MS = 500;

    private final ManagedChannel channel;
    private final MembershipGrpc.MembershipStub stub;
    private final List<Consumer<MemberList>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService reconnects = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "membership-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile MemberList latest = MemberList.getDefaultInstance();
    private volatile boolean connected;
    private volatile boolean closed;

    public MembershipWatch(ManagedChannel channel) {
        this.channel = channel;
        this.stub = MembershipGrpc.newStub(channel);
    }

    /** Called with every list received, on the stream's thread. */
    public void onChange(Consumer<MemberList> listener) {
        listeners.add(listener);
    }

    public void start() {
        watch();
    }

    /** Tries again now, not when the channel's backoff says (why: {@code CommitWatch#reconnect}). */
    private void reconnect() {
        channel.resetConnectBackoff();
        watch();
    }

    private void watch() {
        if (closed) {
            return;
        }
        stub.watchMembers(ListMembersRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(MemberList members) {
                latest = members;
                connected = true;
                listeners.forEach(listener -> listener.accept(members));
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
        connected = false;
        latest = MemberList.getDefaultInstance();
        if (!closed) {
            reconnects.schedule(this::reconnect, RECONNECT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** The last list received; empty while the stream is down. */
    public MemberList members() {
        return latest;
    }

    public boolean connected() {
        return connected;
    }

    @Override
    public void close() {
        closed = true;
        reconnects.shutdownNow();
    }
}
