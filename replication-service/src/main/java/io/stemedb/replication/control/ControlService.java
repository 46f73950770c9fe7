package io.stemedb.replication.control;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.consensus.ChangeMembersRequest;
import io.stemedb.proto.consensus.ChangeMembersResponse;
import io.stemedb.proto.consensus.CommitUpdate;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.consensus.DemoteRequest;
import io.stemedb.proto.consensus.DrainRequest;
import io.stemedb.proto.consensus.DrainResponse;
import io.stemedb.proto.consensus.DemoteResponse;
import io.stemedb.proto.consensus.JoinRequest;
import io.stemedb.proto.consensus.MemberProgress;
import io.stemedb.proto.consensus.ReadIndexRequest;
import io.stemedb.proto.consensus.ReadIndexResponse;
import io.stemedb.proto.consensus.StatusQuery;
import io.stemedb.proto.consensus.SurveyRequest;
import io.stemedb.proto.consensus.SurveyResponse;
import io.stemedb.proto.consensus.WatchCommitRequest;
import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.ReadState;
import io.stemedb.replication.runtime.ConsensusRuntime;
import io.stemedb.replication.runtime.MembershipChange;
import io.stemedb.replication.transport.StreamBreakers;
import io.stemedb.proto.consensus.ResetStreamBreakerRequest;
import io.stemedb.proto.consensus.StreamBreaker;
import io.stemedb.proto.consensus.StreamBreakerList;
import io.stemedb.proto.consensus.StreamBreakersQuery;
import io.stemedb.replication.runtime.StatusSnapshot;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * {@code ConsensusControl}: the consensus's state and controls for the node's other services (the
 * api waits for commits and confirms strong reads through it; the gateway learns the primary from
 * it) and for operators' endpoints, over the network like every other contract.
 */
public final class ControlService extends ConsensusControlGrpc.ConsensusControlImplBase {

    private final ConsensusRuntime runtime;
    private final CommitWatchers watchers;
    private final Function<String, String> apiAddressOf;
    private final Duration timeout;
    private final Function<String, ManagedChannel> channelTo;
    private final StreamBreakers breakers;
    /** Each member gets this long to answer a survey. */
    private static final long SURVEY_DEADLINE_MS = 1_000;

    /**
     * What joining needs: this node's id and rpc address (what it asks to be added as), where a new
     * member's address is recorded, and a channel to a member known only by its address.
     */
    public record Joining(String nodeId, String rpcAddress, BiConsumer<String, String> learnAddress,
            Function<String, ManagedChannel> channelToAddress) {}

    private final Joining joining;

    public ControlService(ConsensusRuntime runtime, CommitWatchers watchers, Function<String, String> apiAddressOf,
            Function<String, ManagedChannel> channelTo, Duration timeout, StreamBreakers breakers, Joining joining) {
        this.joining = joining;
        this.breakers = breakers;
        this.channelTo = channelTo;
        this.runtime = runtime;
        this.watchers = watchers;
        this.apiAddressOf = apiAddressOf;
        this.timeout = timeout;
    }

    @Override
    public void getStatus(StatusQuery request, StreamObserver<ConsensusStatus> response) {
        StatusSnapshot status = runtime.status();
        if (status == null) {
            response.onError(Status.UNAVAILABLE.withDescription("the consensus is starting").asRuntimeException());
            return;
        }
        response.onNext(toStatus(status, apiAddressOf));
        response.onCompleted();
    }

    static ConsensusStatus toStatus(StatusSnapshot status, Function<String, String> apiAddressOf) {
        ConsensusStatus.Builder answer = ConsensusStatus.newBuilder()
                .setNodeId(status.nodeId())
                .setRole(status.role().wireName())
                .setTerm(status.term())
                .setPrimaryId(status.primaryId() == null ? "" : status.primaryId())
                .setPrimaryApi(status.primaryId() == null ? "" : nullToEmpty(apiAddressOf.apply(status.primaryId())))
                .setCommitIndex(status.commitIndex())
                .setLastIndex(status.lastIndex())
                .setWritable(status.writable())
                .setWriteQuorum(status.writeQuorum());
        ClusterConfiguration configuration = status.configuration();
        for (String member : new TreeSet<>(configuration.members())) {
            MemberProgress.Builder progress = MemberProgress.newBuilder()
                    .setId(member)
                    .setVoter(configuration.isVoter(member))
                    .setPriority(configuration.priorityOf(member))
                    .setMatchIndex(status.matchIndexes().getOrDefault(member, 0L))
                    .setLastHeardMsAgo(lastHeardAgo(status, member))
                    .setLagSeconds(status.lagSeconds().getOrDefault(member, -1.0));
            answer.addMembers(progress);
        }
        return answer.build();
    }

    private static long lastHeardAgo(StatusSnapshot status, String member) {
        if (member.equals(status.nodeId())) {
            return status.matchIndexes().isEmpty() ? -1 : 0;
        }
        Long heard = status.lastHeard().get(member);
        return heard == null || heard < 0 ? -1 : Math.max(0, status.now() - heard);
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    @Override
    public void watchCommit(WatchCommitRequest request, StreamObserver<CommitUpdate> response) {
        watchers.add((ServerCallStreamObserver<CommitUpdate>) response);
    }

    @Override
    public void readIndex(ReadIndexRequest request, StreamObserver<ReadIndexResponse> response) {
        runtime.readIndex().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((read, error) -> {
            StatusSnapshot status = runtime.status();
            String primary = status == null || status.primaryId() == null ? "" : status.primaryId();
            ReadState answer = error == null ? read : new ReadState(0, -1);
            response.onNext(ReadIndexResponse.newBuilder()
                    .setConfirmed(answer.confirmed())
                    .setIndex(Math.max(0, answer.index()))
                    .setPrimaryId(primary)
                    .setPrimaryApi(primary.isEmpty() ? "" : nullToEmpty(apiAddressOf.apply(primary)))
                    .build());
            response.onCompleted();
        });
    }

    @Override
    public void changeMembers(ChangeMembersRequest request, StreamObserver<ChangeMembersResponse> response) {
        MembershipChange.Kind kind = switch (request.getChange()) {
            case ADD_LEARNER -> MembershipChange.Kind.ADD_LEARNER;
            case PROMOTE -> MembershipChange.Kind.PROMOTE;
            case REMOVE -> MembershipChange.Kind.REMOVE;
            default -> null;
        };
        if (kind == null || request.getNodeId().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(kind == null ? "change is required"
                    : "node_id is required").asRuntimeException());
            return;
        }
        if (kind == MembershipChange.Kind.ADD_LEARNER) {
            // The primary (and a node forwarding to it) must be able to reach the new member.
            joining.learnAddress().accept(request.getNodeId(), request.getRpcAddress());
        }
        runtime.changeMembers(new MembershipChange(kind, request.getNodeId(), request.getForce()))
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((outcome, error) -> {
                    if (error != null) {
                        response.onError(Status.UNAVAILABLE.withDescription("the consensus did not answer in time")
                                .asRuntimeException());
                    } else if (outcome.status() == MembershipChange.Outcome.Status.NOT_PRIMARY) {
                        forwardToPrimary(request, outcome.primaryId(), response);
                    } else {
                        answerChange(outcome, response);
                    }
                });
    }

    @Override
    public void join(JoinRequest request, StreamObserver<ChangeMembersResponse> response) {
        if (request.getAddress().isBlank()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("address is required").asRuntimeException());
            return;
        }
        if (joining.rpcAddress() == null) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("this node's own rpc address is not configured"
                    + " (stemedb.replication.members." + joining.nodeId() + ".rpc): the cluster could not reach it")
                    .asRuntimeException());
            return;
        }
        ManagedChannel channel = joining.channelToAddress().apply(request.getAddress());
        try {
            response.onNext(ConsensusControlGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis() * 2,
                    TimeUnit.MILLISECONDS).changeMembers(ChangeMembersRequest.newBuilder()
                            .setChange(ChangeMembersRequest.Change.ADD_LEARNER).setNodeId(joining.nodeId())
                            .setRpcAddress(joining.rpcAddress()).build()));
            response.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
            Status status = e.getStatus();
            response.onError(status.getCode() == Status.Code.DEADLINE_EXCEEDED || status.getCode() == Status.Code.UNAVAILABLE
                    ? Status.UNAVAILABLE.withDescription("no member answered at " + request.getAddress() + ": "
                            + status.getCode()).asRuntimeException()
                    : e);
        } finally {
            channel.shutdownNow();
        }
    }

    private void forwardToPrimary(ChangeMembersRequest request, String primary, StreamObserver<ChangeMembersResponse> response) {
        ManagedChannel channel = primary == null || request.getForwarded() ? null : channelTo.apply(primary);
        if (channel == null) {
            response.onError(Status.UNAVAILABLE.withDescription(primary == null ? "no primary is known; try again once one is"
                    : "the primary " + primary + " cannot be reached from here").asRuntimeException());
            return;
        }
        // Asynchronously: this runs on the consensus thread, which must not wait for the network.
        ConsensusControlGrpc.newStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .changeMembers(request.toBuilder().setForwarded(true).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(ChangeMembersResponse answer) {
                        response.onNext(answer);
                    }

                    @Override
                    public void onError(Throwable error) {
                        Status status = Status.fromThrowable(error);
                        response.onError(status.getCode() == Status.Code.DEADLINE_EXCEEDED
                                || status.getCode() == Status.Code.UNAVAILABLE
                                ? Status.UNAVAILABLE.withDescription("the primary " + primary + " did not answer: "
                                        + status.getCode()).asRuntimeException()
                                : status.asRuntimeException());
                    }

                    @Override
                    public void onCompleted() {
                        response.onCompleted();
                    }
                });
    }

    private static void answerChange(MembershipChange.Outcome outcome, StreamObserver<ChangeMembersResponse> response) {
        switch (outcome.status()) {
            case NOT_FOUND -> response.onError(Status.NOT_FOUND.withDescription(outcome.detail()).asRuntimeException());
            case REFUSED -> response.onError(Status.FAILED_PRECONDITION.withDescription(outcome.detail()).asRuntimeException());
            default -> {
                ClusterConfiguration configuration = outcome.configuration();
                response.onNext(ChangeMembersResponse.newBuilder()
                        .setProposed(outcome.status() == MembershipChange.Outcome.Status.PROPOSED)
                        .addAllVoters(new TreeSet<>(configuration.voters().keySet()))
                        .addAllLearners(new TreeSet<>(configuration.learners().keySet()))
                        .setPrimaryId(outcome.primaryId() == null ? "" : outcome.primaryId())
                        .setDetail(outcome.detail() == null ? "" : outcome.detail())
                        .build());
                response.onCompleted();
            }
        }
    }

    @Override
    public void demote(DemoteRequest request, StreamObserver<DemoteResponse> response) {
        runtime.demote(request.getForce()).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((to, error) -> {
            if (error != null) {
                response.onError(Status.UNAVAILABLE.withDescription("the consensus did not answer").asRuntimeException());
                return;
            }
            response.onNext(DemoteResponse.newBuilder().setDone(to != null).setHandedTo(to == null ? "" : to).build());
            response.onCompleted();
        });
    }

    @Override
    public void drain(DrainRequest request, StreamObserver<DrainResponse> response) {
        runtime.drain(request.getDraining()).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((outcome, error) -> {
            if (error != null) {
                response.onError(Status.UNAVAILABLE.withDescription("the consensus did not answer").asRuntimeException());
                return;
            }
            response.onNext(DrainResponse.newBuilder().setWasPrimary(outcome.wasPrimary())
                    .setHandedTo(outcome.handedTo() == null ? "" : outcome.handedTo())
                    .setCampaigning(outcome.campaigning()).build());
            response.onCompleted();
        });
    }

    @Override
    public void survey(SurveyRequest request, StreamObserver<SurveyResponse> response) {
        StatusSnapshot status = runtime.status();
        if (status == null) {
            response.onError(Status.UNAVAILABLE.withDescription("the consensus is starting").asRuntimeException());
            return;
        }
        SurveyResponse.Builder answer = SurveyResponse.newBuilder();
        answer.addAnswered(toStatus(status, apiAddressOf));
        for (String member : new TreeSet<>(status.configuration().members())) {
            if (member.equals(status.nodeId())) {
                continue;
            }
            ManagedChannel channel = channelTo.apply(member);
            try {
                if (channel == null) {
                    throw new IllegalStateException("no address");
                }
                answer.addAnswered(ConsensusControlGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(SURVEY_DEADLINE_MS, TimeUnit.MILLISECONDS).getStatus(StatusQuery.getDefaultInstance()));
            } catch (RuntimeException unreachable) {
                answer.addUnreachable(member);
            }
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    /** The update a watcher gets for this status. */
    public static CommitUpdate updateOf(StatusSnapshot status, Map<String, String> apiAddresses, boolean lagging) {
        String primary = status.primaryId() == null ? "" : status.primaryId();
        return CommitUpdate.newBuilder()
                .setCommitIndex(status.commitIndex())
                .setTerm(status.term())
                .setRole(status.role().wireName())
                .setPrimaryId(primary)
                .setPrimaryApi(apiAddresses.getOrDefault(primary, ""))
                .setWritable(status.writable())
                .setTermStartIndex(status.termStartIndex())
                .setReplicationLagging(lagging)
                .build();
    }

    @Override
    public void listStreamBreakers(StreamBreakersQuery request, StreamObserver<StreamBreakerList> response) {
        StreamBreakerList.Builder list = StreamBreakerList.newBuilder();
        breakers.all().forEach(breaker -> list.addBreakers(wire(breaker)));
        response.onNext(list.build());
        response.onCompleted();
    }

    @Override
    public void resetStreamBreaker(ResetStreamBreakerRequest request, StreamObserver<StreamBreaker> response) {
        response.onNext(breakers.reset(request.getMemberId()).map(ControlService::wire)
                .orElse(StreamBreaker.newBuilder().setMemberId(request.getMemberId()).setFound(false).build()));
        response.onCompleted();
    }

    private static StreamBreaker wire(io.github.resilience4j.circuitbreaker.CircuitBreaker breaker) {
        io.github.resilience4j.circuitbreaker.CircuitBreaker.Metrics metrics = breaker.getMetrics();
        return StreamBreaker.newBuilder().setName(breaker.getName()).setMemberId(StreamBreakers.memberOf(breaker))
                .setState(breaker.getState().name()).setFailureRate(metrics.getFailureRate())
                .setFailedCalls(metrics.getNumberOfFailedCalls()).setNotPermittedCalls(metrics.getNumberOfNotPermittedCalls())
                .setFound(true).build();
    }
}
