package io.stemedb.api.membership;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.common.membership.MembershipWatch;
import io.stemedb.proto.membership.AnnounceRequest;
import io.stemedb.proto.membership.MemberList;
import io.stemedb.proto.membership.MembershipGrpc;
import io.stemedb.proto.membership.RemoveMemberRequest;
import io.stemedb.proto.membership.RemoveMemberResponse;
import io.stemedb.proto.membership.RestartGossipRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api-service's side of the local membership-service's {@code Membership} contract
 * ({@code spring.grpc.client.channel.membership}): the member list, watched; the operator's
 * controls, each with a deadline; and this node's assertion count, announced over gossip every
 * {@code announceInterval} when it changed. Where no membership-service answers, the list is
 * empty and the controls answer 503 {@code membership_unavailable}.
 */
public class MembershipClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MembershipClient.class);

    private final MembershipWatch watch;
    private final MembershipGrpc.MembershipBlockingStub blocking;
    private final Duration timeout;
    private final LongSupplier assertionCount;
    private final Duration announceInterval;
    private final ScheduledExecutorService announcer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "membership-announce");
        thread.setDaemon(true);
        return thread;
    });
    private long announced = -1;

    public MembershipClient(ManagedChannel channel, Duration timeout, LongSupplier assertionCount, Duration announceInterval) {
        this.watch = new MembershipWatch(channel);
        this.blocking = MembershipGrpc.newBlockingStub(channel);
        this.timeout = timeout;
        this.assertionCount = assertionCount;
        this.announceInterval = announceInterval;
    }

    public void start() {
        watch.start();
        announcer.scheduleWithFixedDelay(this::announceCount, announceInterval.toMillis(), announceInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void announceCount() {
        long count = assertionCount.getAsLong();
        if (count == announced) {
            return;
        }
        try {
            blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .announce(AnnounceRequest.newBuilder().putAllMetadata(Map.of("assertion_count", Long.toString(count))).build());
            announced = count;
        } catch (StatusRuntimeException e) {
            log.debug("membership did not take the assertion count: {}", e.getStatus());
        }
    }

    /** The members as membership last streamed them; empty while it does not answer. */
    public MemberList members() {
        return watch.members();
    }

    public RemoveMemberResponse.Outcome remove(String nodeId, boolean force) {
        try {
            return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .removeMember(RemoveMemberRequest.newBuilder().setNodeId(nodeId).setForce(force).build()).getOutcome();
        } catch (StatusRuntimeException e) {
            throw unavailable(e);
        }
    }

    public void restartGossip() {
        try {
            blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).restartGossip(RestartGossipRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            throw unavailable(e);
        }
    }

    private static UnavailableException unavailable(StatusRuntimeException e) {
        return new UnavailableException(UnavailableReason.MEMBERSHIP_UNAVAILABLE,
                "this node's membership-service did not answer (" + e.getStatus().getCode() + "); try again shortly", 5);
    }

    @Override
    public void close() {
        announcer.shutdownNow();
        watch.close();
    }
}
