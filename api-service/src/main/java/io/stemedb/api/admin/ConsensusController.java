package io.stemedb.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grpc.StatusRuntimeException;
import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.consensus.DemoteResponse;
import io.stemedb.proto.consensus.MemberProgress;
import io.stemedb.proto.consensus.SurveyResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The consensus's admin endpoints, in the runbooks' shapes (admin key): {@code GET
 * /v1/admin/cluster/status} (this node's role, term, primary, commit and applied index, voters
 * and, on the primary, each member's progress and lag), {@code POST /v1/admin/cluster/demote
 * {"force"}} and {@code GET /v1/admin/cluster/validate} (every member asked for itself: primaries,
 * replicas, unreachable). They ask the local replication-service over gRPC.
 */
@RestController
public class ConsensusController {

    private static final Duration STATUS_DEADLINE = Duration.ofSeconds(2);

    private final ObjectProvider<ReplicationClient> replication;
    private final AssertionIndex index;
    private final JsonRequestReader json;

    public ConsensusController(ObjectProvider<ReplicationClient> replication, AssertionIndex index, ValidationLimits limits) {
        this.replication = replication;
        this.index = index;
        this.json = new JsonRequestReader(limits);
    }

    @GetMapping(path = "/v1/admin/cluster/status", produces = MediaType.APPLICATION_JSON_VALUE)
    public NodeStatus status() {
        ConsensusStatus status = call(client -> client.status(STATUS_DEADLINE));
        return NodeStatus.of(status, index.appliedIndex());
    }

    @PostMapping(path = "/v1/admin/cluster/demote", produces = MediaType.APPLICATION_JSON_VALUE)
    public Demoted demote(@RequestBody(required = false) byte[] body) {
        boolean force = false;
        if (body != null && body.length > 0) {
            JsonNode request = json.readObject(body);
            List<FieldError> errors = new ArrayList<>();
            JsonFields.rejectUnknown(request, Set.of("force"), errors);
            JsonNode value = request.get("force");
            if (value != null && !value.isNull() && !value.isBoolean()) {
                errors.add(new FieldError("force", "must be true or false"));
            }
            if (!errors.isEmpty()) {
                throw new InvalidRequestException(errors);
            }
            force = value != null && value.isBoolean() && value.booleanValue();
        }
        boolean withForce = force;
        DemoteResponse outcome = call(client -> client.demote(withForce));
        if (!outcome.getDone()) {
            throw new ConflictException("nothing done: this node is not the primary, or no replica has caught up with it"
                    + " (pass \"force\": true to step down anyway)");
        }
        return new Demoted(true, outcome.getHandedTo().isEmpty() ? null : outcome.getHandedTo());
    }

    @GetMapping(path = "/v1/admin/cluster/validate", produces = MediaType.APPLICATION_JSON_VALUE)
    public Validation validate() {
        SurveyResponse survey = call(ReplicationClient::survey);
        long term = 0;
        for (ConsensusStatus answer : survey.getAnsweredList()) {
            term = Math.max(term, answer.getTerm());
        }
        int primaries = 0;
        int replicas = 0;
        List<Validation.Node> nodes = new ArrayList<>();
        for (ConsensusStatus answer : survey.getAnsweredList()) {
            // A primary of an older term is deposed already (it just has not heard yet): only
            // primaries of the newest term count, and there is never more than one.
            if (answer.getRole().equals("primary") && answer.getTerm() == term) {
                primaries++;
            } else if (answer.getRole().equals("replica") || answer.getRole().equals("learner")) {
                replicas++;
            }
            nodes.add(new Validation.Node(answer.getNodeId(), answer.getRole(), answer.getTerm(), true));
        }
        for (String missing : survey.getUnreachableList()) {
            nodes.add(new Validation.Node(missing, null, null, false));
        }
        return new Validation(primaries, replicas, survey.getUnreachableCount(), term, nodes);
    }

    private <T> T call(java.util.function.Function<ReplicationClient, T> request) {
        ReplicationClient client = replication.getIfAvailable();
        if (client == null) {
            throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "this node runs without replication (stemedb.api.replication.enabled=false)", 5);
        }
        try {
            return request.apply(client);
        } catch (StatusRuntimeException e) {
            throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "the node's replication-service did not answer: " + e.getStatus().getCode(), 1);
        }
    }

    /**
     * @param role one of primary, replica, candidate, pre_candidate, learner
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeStatus(String nodeId, String role, long term, String primary, String primaryAddress, long commitIndex,
            long appliedIndex, long lastIndex, boolean writable, int replicationFactor, List<String> voters,
            List<String> learners, List<Member> members) {

        static NodeStatus of(ConsensusStatus status, long applied) {
            List<String> voters = new ArrayList<>();
            List<String> learners = new ArrayList<>();
            List<Member> members = new ArrayList<>();
            for (MemberProgress member : status.getMembersList()) {
                (member.getVoter() ? voters : learners).add(member.getId());
                members.add(new Member(member.getId(), member.getVoter(), member.getPriority(),
                        status.getRole().equals("primary") ? member.getMatchIndex() : null,
                        member.getLagSeconds() < 0 ? null : member.getLagSeconds(),
                        member.getLastHeardMsAgo() < 0 ? null : member.getLastHeardMsAgo()));
            }
            return new NodeStatus(status.getNodeId(), status.getRole(), status.getTerm(),
                    status.getPrimaryId().isEmpty() ? null : status.getPrimaryId(),
                    status.getPrimaryApi().isEmpty() ? null : status.getPrimaryApi(), status.getCommitIndex(), applied,
                    status.getLastIndex(), status.getWritable(), status.getWriteQuorum(), voters, learners, members);
        }
    }

    /**
     * @param matchIndex on the primary: the highest index known to be in this member's log
     * @param lagSeconds on the primary: the age of the oldest entry it lacks
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String id, boolean voter, int priority, Long matchIndex, Double lagSeconds, Long lastHeardMsAgo) {}

    public record Demoted(boolean demoted, String handedTo) {}

    /**
     * @param primaries primaries of the newest term among the answers (1 in a healthy cluster, never more)
     */
    public record Validation(int primaries, int replicas, int unreachable, long term, List<Node> nodes) {

        @JsonInclude(JsonInclude.Include.NON_NULL)
        public record Node(String id, String role, Long term, boolean reachable) {}
    }
}
