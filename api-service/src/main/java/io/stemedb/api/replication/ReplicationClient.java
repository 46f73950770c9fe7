package io.stemedb.api.replication;

import io.grpc.ManagedChannel;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.DiffRequest;
import io.stemedb.proto.antientropy.DiffResponse;
import io.stemedb.proto.antientropy.SyncRequest;
import io.stemedb.proto.antientropy.SyncSession;
import io.stemedb.proto.antientropy.SyncSessionsRequest;
import io.stemedb.proto.antientropy.SyncSessionsResponse;
import io.stemedb.common.consensus.CommitState;
import io.stemedb.common.consensus.CommitWatch;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.proto.consensus.ResetStreamBreakerRequest;
import io.stemedb.proto.consensus.StreamBreaker;
import io.stemedb.proto.consensus.StreamBreakerList;
import io.stemedb.proto.consensus.StreamBreakersQuery;
import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.consensus.ChangeMembersRequest;
import io.stemedb.proto.consensus.ChangeMembersResponse;
import io.stemedb.proto.consensus.DemoteRequest;
import io.stemedb.proto.consensus.DrainRequest;
import io.stemedb.proto.consensus.DrainResponse;
import io.stemedb.proto.consensus.JoinRequest;
import io.stemedb.proto.consensus.DemoteResponse;
import io.stemedb.proto.consensus.ReadIndexRequest;
import io.stemedb.proto.consensus.ReadIndexResponse;
import io.stemedb.proto.consensus.StatusQuery;
import io.stemedb.proto.consensus.SurveyRequest;
import io.stemedb.proto.consensus.SurveyResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The api-service's side of the local replication-service's {@code ConsensusControl}: the commit
 * stream ({@link CommitWatch}) that writes wait on, and unary calls with deadlines for reads,
 * status, surveys and demotes.
 */
public class ReplicationClient implements AutoCloseable {

    private final CommitWatch commits;
    private final ConsensusControlGrpc.ConsensusControlBlockingStub blocking;
    private final AntiEntropyGrpc.AntiEntropyBlockingStub antiEntropy;
    private final Duration timeout;

    public ReplicationClient(ManagedChannel channel, Duration timeout) {
        this.commits = new CommitWatch(channel);
        this.blocking = ConsensusControlGrpc.newBlockingStub(channel);
        this.antiEntropy = AntiEntropyGrpc.newBlockingStub(channel);
        this.timeout = timeout;
    }

    public void start() {
        commits.start();
    }

    public CommitState state() {
        return commits.state();
    }

    /** See {@link CommitWatch#awaitCommit}. */
    public boolean awaitCommit(long index, long term, Duration wait) throws InterruptedException {
        return commits.awaitCommit(index, term, wait);
    }

    public ReadIndexResponse readIndex() {
        return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).readIndex(ReadIndexRequest.getDefaultInstance());
    }

    public ConsensusStatus status(Duration deadline) {
        return blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).getStatus(StatusQuery.getDefaultInstance());
    }

    public SurveyResponse survey() {
        // Each member has a second to answer; the survey itself gets a little more than the slowest.
        return blocking.withDeadlineAfter(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS).survey(SurveyRequest.getDefaultInstance());
    }

    /** One membership change, proposed by the primary (this node forwards it there); see {@code ChangeMembers}. */
    public ChangeMembersResponse changeMembers(ChangeMembersRequest.Change change, String nodeId, boolean force) {
        // The primary may be a hop away: room for the forwarded call's own deadline.
        return blocking.withDeadlineAfter(timeout.toMillis() * 2, TimeUnit.MILLISECONDS).changeMembers(
                ChangeMembersRequest.newBuilder().setChange(change).setNodeId(nodeId).setForce(force).build());
    }

    /** Asks the member whose replication-service is at {@code address} to add this node to its cluster. */
    public ChangeMembersResponse join(String address) {
        return blocking.withDeadlineAfter(timeout.toMillis() * 3, TimeUnit.MILLISECONDS)
                .join(JoinRequest.newBuilder().setAddress(address).build());
    }

    /** Starts ({@code draining}) or ends the consensus's part of a drain; see {@code ConsensusControl.Drain}. */
    public DrainResponse drain(boolean draining) {
        return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .drain(DrainRequest.newBuilder().setDraining(draining).build());
    }

    public DemoteResponse demote(boolean force) {
        return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .demote(DemoteRequest.newBuilder().setForce(force).build());
    }

    /**
     * Where this node's store and {@code otherNode}'s differ, from their Merkle trees. The
     * comparison takes up to one round per level of the tree, each with the consensus's deadline.
     */
    public DiffResponse merkleDiff(String otherNode) {
        return antiEntropy.withDeadlineAfter(timeout.toMillis() * 6, TimeUnit.MILLISECONDS)
                .diff(DiffRequest.newBuilder().setOtherNode(otherNode).build());
    }

    /** Starts (or resumes) a Merkle sync of this node's store with {@code otherNode}'s; answers at once. */
    public SyncSession sync(String otherNode, boolean force) {
        return antiEntropy.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .sync(SyncRequest.newBuilder().setOtherNode(otherNode).setForce(force).build());
    }

    /** The newest Merkle sync session with each other node. */
    public SyncSessionsResponse syncSessions() {
        return antiEntropy.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .syncSessions(SyncSessionsRequest.getDefaultInstance());
    }

    /** The replication streams' breakers, one per member this node streams to. */
    public StreamBreakerList streamBreakers() {
        return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .listStreamBreakers(StreamBreakersQuery.getDefaultInstance());
    }

    /** Closes {@code member}'s stream breaker; {@code found} is false when there is none. */
    public StreamBreaker resetStreamBreaker(String member) {
        return blocking.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .resetStreamBreaker(ResetStreamBreakerRequest.newBuilder().setMemberId(member).build());
    }

    @Override
    public void close() {
        commits.close();
    }
}
