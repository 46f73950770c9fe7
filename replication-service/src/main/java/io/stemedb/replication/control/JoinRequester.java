package io.stemedb.replication.control;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.stemedb.proto.consensus.ChangeMembersRequest;
import io.stemedb.proto.consensus.ChangeMembersResponse;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.replication.runtime.StatusSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node started to join a running cluster ({@code stemedb.replication.join}) asks the members it
 * was given, one after the other, to add it as a learner, every 2 s until a primary streams the
 * log to it (it then knows of a primary: it is a member). The member asked forwards the request to
 * its primary; the primary makes the learner a voter once it has caught up.
 */
public final class JoinRequester implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JoinRequester.class);
    private static final long EVERY_MILLIS = 2_000;

    private final String nodeId;
    private final String rpcAddress;
    private final List<String> members;
    private final Function<String, ManagedChannel> channelTo;
    private final Supplier<StatusSnapshot> status;
    private final Duration timeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "cluster-join");
        thread.setDaemon(true);
        return thread;
    });
    private int next;
    private volatile boolean joined;

    public JoinRequester(String nodeId, String rpcAddress, List<String> members, Function<String, ManagedChannel> channelTo,
            Supplier<StatusSnapshot> status, Duration timeout) {
        this.nodeId = nodeId;
        this.rpcAddress = rpcAddress;
        this.members = members.stream().filter(member -> !member.equals(nodeId)).sorted().toList();
        this.channelTo = channelTo;
        this.status = status;
        this.timeout = timeout;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::attempt, 0, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Whether a primary has streamed to this node since it asked. */
    public boolean joined() {
        return joined;
    }

    private void attempt() {
        StatusSnapshot now = status.get();
        if (now != null && now.primaryId() != null && !now.primaryId().equals(nodeId)) {
            joined = true;
            log.info("joined the cluster: {} is its primary, this node a {}", now.primaryId(), now.role().wireName());
            timer.shutdown();
            return;
        }
        if (members.isEmpty()) {
            return;
        }
        String member = members.get(next++ % members.size());
        ManagedChannel channel = channelTo.apply(member);
        if (channel == null) {
            return;
        }
        try {
            ChangeMembersResponse answer = ConsensusControlGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
                    .changeMembers(ChangeMembersRequest.newBuilder().setChange(ChangeMembersRequest.Change.ADD_LEARNER)
                            .setNodeId(nodeId).setRpcAddress(rpcAddress == null ? "" : rpcAddress).build());
            log.info("asked {} to add this node to the cluster: {} by {} (voters {}, learners {})", member,
                    answer.getProposed() ? "proposed" : "already so", answer.getPrimaryId(), answer.getVotersList(),
                    answer.getLearnersList());
        } catch (StatusRuntimeException e) {
            log.info("asking {} to add this node to the cluster failed ({}); asking again in {} ms", member,
                    e.getStatus(), EVERY_MILLIS);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
