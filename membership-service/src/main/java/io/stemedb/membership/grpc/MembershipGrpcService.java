package io.stemedb.membership.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.stemedb.membership.service.SwimService;
import io.stemedb.proto.membership.AnnounceRequest;
import io.stemedb.proto.membership.AnnounceResponse;
import io.stemedb.proto.membership.ListMembersRequest;
import io.stemedb.proto.membership.MemberList;
import io.stemedb.proto.membership.MembershipGrpc;
import io.stemedb.proto.membership.RemoveMemberRequest;
import io.stemedb.proto.membership.RemoveMemberResponse;
import io.stemedb.proto.membership.RestartGossipRequest;
import io.stemedb.proto.membership.RestartGossipResponse;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code Membership} contract over this node's SWIM. A watcher gets the list at once, again
 * after every member change and at least every {@code stemedb.membership.watch-interval}; each
 * watch is served by its own thread (a node has three watchers: api, gateway, replication) that
 * ends when the client goes away.
 */
public final class MembershipGrpcService extends MembershipGrpc.MembershipImplBase {

    private final SwimService service;
    private final MemberListing listing;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;
    private volatile boolean closing;

    public MembershipGrpcService(SwimService service, Duration interval) {
        this.service = service;
        this.listing = new MemberListing(service);
        this.interval = interval;
        service.onChange(this::memberChanged);
    }

    private void memberChanged() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void listMembers(ListMembersRequest request, StreamObserver<MemberList> answer) {
        answer.onNext(listing.now());
        answer.onCompleted();
    }

    @Override
    public void watchMembers(ListMembersRequest request, StreamObserver<MemberList> answer) {
        ServerCallStreamObserver<MemberList> stream = (ServerCallStreamObserver<MemberList>) answer;
        stream.setOnCancelHandler(this::memberChanged); // wakes the loop below so that it ends
        Thread watcher = new Thread(() -> {
            long seen = -1;
            try {
                while (!stream.isCancelled()) {
                    lock.lock();
                    try {
                        if (seen == version && !closing) {
                            changed.awaitNanos(interval.toNanos());
                        }
                        seen = version;
                    } finally {
                        lock.unlock();
                    }
                    if (closing) {
                        stream.onCompleted();
                        return;
                    }
                    if (!stream.isCancelled()) {
                        stream.onNext(listing.now());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException gone) {
                // the client went away between the check and the send
            }
        }, "membership-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Ends every watch (the watchers reconnect, to this service once it is back): called as the
     * service begins to shut down, before its gRPC server stops. A stream that never ends would hold
     * the server's shutdown for its whole grace period (30 s) while the node's own clients of it are
     * still running.
     */
    public void endWatches() {
        closing = true;
        memberChanged();
    }

    @Override
    public void removeMember(RemoveMemberRequest request, StreamObserver<RemoveMemberResponse> answer) {
        RemoveMemberResponse.Outcome outcome = switch (service.remove(request.getNodeId(), request.getForce())) {
            case REMOVED -> RemoveMemberResponse.Outcome.REMOVED;
            case UNKNOWN_MEMBER -> RemoveMemberResponse.Outcome.UNKNOWN_MEMBER;
            case STILL_UP -> RemoveMemberResponse.Outcome.STILL_UP;
        };
        answer.onNext(RemoveMemberResponse.newBuilder().setOutcome(outcome).build());
        answer.onCompleted();
    }

    @Override
    public void restartGossip(RestartGossipRequest request, StreamObserver<RestartGossipResponse> answer) {
        service.restartGossip();
        memberChanged();
        answer.onNext(RestartGossipResponse.getDefaultInstance());
        answer.onCompleted();
    }

    @Override
    public void announce(AnnounceRequest request, StreamObserver<AnnounceResponse> answer) {
        service.announce(request.getMetadataMap());
        answer.onNext(AnnounceResponse.getDefaultInstance());
        answer.onCompleted();
    }
}
