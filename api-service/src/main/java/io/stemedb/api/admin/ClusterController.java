package io.stemedb.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.api.config.ApiProperties;
import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.membership.MembershipClient;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.membership.ClusterRoster;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.membership.MemberList;
import io.stemedb.proto.consensus.ChangeMembersRequest;
import io.stemedb.proto.consensus.ChangeMembersResponse;
import io.stemedb.proto.membership.RemoveMemberResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The cluster's admin endpoints on the api port (admin key): {@code GET /v1/admin/cluster/members},
 * the members in the runbooks' shape, SWIM's view of who is alive (from the local
 * membership-service over gRPC) joined with the consensus's roles and term (from the local
 * replication-service over gRPC); {@code POST /v1/admin/cluster/remove} (out of the consensus's
 * configuration, proposed by the primary, then out of gossip); and
 * {@code POST /v1/admin/cluster/restart-gossip}. Where membership does not answer, the members
 * are the consensus's alone (status {@code unknown}) and the controls answer 503
 * {@code membership_unavailable}.
 */
@RestController
public class ClusterController {

    private static final Duration STATUS_DEADLINE = Duration.ofSeconds(2);

    private final ObjectProvider<MembershipClient> membership;
    private final ObjectProvider<ReplicationClient> replication;
    private final AssertionIndex index;
    private final String nodeId;

    private final JsonRequestReader json;

    public ClusterController(ObjectProvider<MembershipClient> membership, ObjectProvider<ReplicationClient> replication,
            AssertionIndex index, ApiProperties properties, ValidationLimits limits) {
        this.json = new JsonRequestReader(limits);
        this.membership = membership;
        this.replication = replication;
        this.index = index;
        this.nodeId = properties.nodeId();
    }

    @GetMapping(path = "/v1/admin/cluster/members", produces = MediaType.APPLICATION_JSON_VALUE)
    public Members members() {
        MembershipClient swim = membership.getIfAvailable();
        MemberList seen = swim == null ? MemberList.getDefaultInstance() : swim.members();
        List<Member> members = new ArrayList<>();
        for (ClusterRoster.Entry member : ClusterRoster.members(seen, consensus())) {
            boolean self = member.id().equals(nodeId);
            members.add(new Member(member.id(), member.status(), member.role(), member.term(), member.voter(),
                    self ? Long.valueOf(index.assertionCount()) : member.assertionCount() < 0 ? null : member.assertionCount(),
                    member.lastSeen(), member.gossipAddress(), member.incarnation() == 0 ? null : member.incarnation()));
        }
        return new Members(members);
    }

    /** This node's consensus status, or one naming this node alone when it does not answer. */
    private ConsensusStatus consensus() {
        ReplicationClient client = replication.getIfAvailable();
        if (client != null) {
            try {
                return client.status(STATUS_DEADLINE);
            } catch (RuntimeException notAnswering) {
                // listed from membership alone
            }
        }
        return ConsensusStatus.newBuilder().setNodeId(nodeId).setRole(client == null ? "primary" : "unknown").build();
    }

    /**
     * @param role            the consensus's: {@code primary}, {@code replica}, {@code learner}, or for
     *                        this node its own state ({@code candidate} during an election)
     * @param term            the term this node is in
     * @param voter           whether it votes in the current configuration
     * @param assertionCount  this node's own count; another member's as it last announced it over
     *                        gossip (absent until it has)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String id, String status, String role, long term, boolean voter, Long assertionCount,
            String lastSeen, String gossipAddress, Long incarnation) {}

    public record Members(List<Member> members) {}

    /** {@code POST /v1/admin/cluster/remove {"node_id", "force"}} (also {@code /admin/cluster/remove} on the gateway). */
    @PostMapping(path = "/v1/admin/cluster/remove", produces = MediaType.APPLICATION_JSON_VALUE)
    public Removed remove(@RequestBody(required = false) byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, java.util.Set.of("node_id", "force"), errors);
        String node = JsonFields.string(request, "node_id", true, errors);
        JsonNode force = request.get("force");
        if (force != null && !force.isBoolean() && !force.isNull()) {
            errors.add(new FieldError("force", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        if (node.equals(nodeId)) {
            throw InvalidRequestException.of("node_id", "a node cannot remove itself; stop it (it leaves the cluster) instead");
        }
        boolean forced = force != null && force.asBoolean();
        ChangeMembersResponse consensus = removeFromConsensus(node, forced);
        RemoveMemberResponse.Outcome outcome = control().remove(node, forced || consensus != null);
        if (consensus != null) {
            // The consensus decided: the member is out of the voters and learners once that commits.
            // Gossip forgets it too unless it is still running (it will refute, and is no voter).
            return new Removed(node, true, consensus.getVotersList(), consensus.getLearnersList(),
                    outcome == RemoveMemberResponse.Outcome.REMOVED);
        }
        return switch (outcome) {
            case REMOVED -> new Removed(node, true, null, null, true);
            case UNKNOWN_MEMBER -> throw new NotFoundException("node_id", "this node does not know a member " + node);
            case STILL_UP -> throw new ConflictException("member " + node + " is still UP or SUSPECT; stop it first, or"
                    + " pass \"force\": true (a live member will refute and come back)");
            case UNRECOGNIZED -> throw new IllegalStateException("membership answered an outcome this version does not know");
        };
    }

    /**
     * Removes {@code node} from the consensus's configuration (proposed by the primary, whichever
     * node is asked); null when this node runs without replication or {@code node} is no member of
     * the consensus (gossip alone knows it).
     */
    private ChangeMembersResponse removeFromConsensus(String node, boolean force) {
        if (replication.getIfAvailable() == null) {
            return null;
        }
        try {
            return ReplicationCalls.aboutMember(replication, "node_id",
                    client -> client.changeMembers(ChangeMembersRequest.Change.REMOVE, node, force));
        } catch (NotFoundException notAConsensusMember) {
            return null;
        }
    }

    /** {@code POST /v1/admin/cluster/restart-gossip}: closes and reopens this node's gossip. */
    @PostMapping(path = "/v1/admin/cluster/restart-gossip", produces = MediaType.APPLICATION_JSON_VALUE)
    public Restarted restartGossip() {
        control().restartGossip();
        return new Restarted(true);
    }

    private MembershipClient control() {
        MembershipClient client = membership.getIfAvailable();
        if (client == null) {
            throw new UnavailableException(UnavailableReason.MEMBERSHIP_UNAVAILABLE,
                    "this api-service is configured without membership (stemedb.api.membership.enabled=false)", 5);
        }
        return client;
    }

    /**
     * @param voters        the voters once the removal commits; absent without replication
     * @param gossipRemoved whether gossip forgot the member too (false while it still runs)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Removed(String nodeId, boolean removed, List<String> voters, List<String> learners,
            boolean gossipRemoved) {}

    public record Restarted(boolean restarted) {}
}
