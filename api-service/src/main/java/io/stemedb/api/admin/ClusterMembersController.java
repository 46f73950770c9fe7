package io.stemedb.api.admin;

import io.stemedb.api.config.ApiProperties;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import io.stemedb.proto.consensus.ChangeMembersRequest;
import io.stemedb.proto.consensus.ChangeMembersResponse;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Membership changes of the consensus (admin key), one member at a time, proposed by the primary
 * whichever node is asked (its replication-service forwards to the primary); removals are
 * {@link ClusterController}'s {@code POST /v1/admin/cluster/remove} (consensus, then gossip):
 * <ul>
 *   <li>{@code POST /v1/admin/cluster/learners {"node_id"}}: a new member that receives the log
 *       but does not vote; the primary makes it a voter once it has caught up;</li>
 *   <li>{@code POST /v1/admin/cluster/promote {"node_id"}}: a learner made a voter now.</li>
 * </ul>
 * Each answers 200 once the change is proposed ({@code proposed}; it takes effect when committed)
 * or already so, with the voters and learners it asks for; 404 for a member that does not exist,
 * 409 when the consensus refuses it now (another change under way, too few voters left), 503 when
 * no primary answers.
 */
@RestController
public class ClusterMembersController {

    private final ObjectProvider<ReplicationClient> replication;
    private final JsonRequestReader json;
    private final String nodeId;

    public ClusterMembersController(ObjectProvider<ReplicationClient> replication, ApiProperties properties,
            ValidationLimits limits) {
        this.replication = replication;
        this.nodeId = properties.nodeId();
        this.json = new JsonRequestReader(limits);
    }

    @PostMapping(path = "/v1/admin/cluster/learners", produces = MediaType.APPLICATION_JSON_VALUE)
    public MembershipChanged addLearner(@RequestBody(required = false) byte[] body) {
        return change(ChangeMembersRequest.Change.ADD_LEARNER, body);
    }

    @PostMapping(path = "/v1/admin/cluster/promote", produces = MediaType.APPLICATION_JSON_VALUE)
    public MembershipChanged promote(@RequestBody(required = false) byte[] body) {
        return change(ChangeMembersRequest.Change.PROMOTE, body);
    }

    /**
     * {@code POST /v1/admin/cluster/join {"primary_address"}}: asked of the node that joins, it asks
     * the member whose replication-service listens at that host:port (the primary's saves a hop) to
     * add it as a learner. What a node started with {@code --join} does by itself.
     */
    @PostMapping(path = "/v1/admin/cluster/join", produces = MediaType.APPLICATION_JSON_VALUE)
    public MembershipChanged join(@RequestBody(required = false) byte[] body) {
        String to = SingleFieldBody.read(json, body, "primary_address",
                "must be host:port of a member's replication-service (18182)",
                address -> address.matches("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}"));
        return MembershipChanged.of(nodeId, ReplicationCalls.aboutMember(replication, "primary_address",
                client -> client.join(to)));
    }

    private MembershipChanged change(ChangeMembersRequest.Change change, byte[] body) {
        String member = SingleFieldBody.read(json, body, "node_id", "must be a member's node id", id -> true);
        return MembershipChanged.of(member, ReplicationCalls.aboutMember(replication, "node_id",
                client -> client.changeMembers(change, member, false)));
    }

    /**
     * @param proposed false when the cluster already was as asked
     * @param voters   the voters the change asks for (or those in force, when already so)
     */
    public record MembershipChanged(String nodeId, boolean proposed, List<String> voters, List<String> learners,
            String primary) {

        static MembershipChanged of(String nodeId, ChangeMembersResponse answer) {
            return new MembershipChanged(nodeId, answer.getProposed(), answer.getVotersList(), answer.getLearnersList(),
                    answer.getPrimaryId().isEmpty() ? null : answer.getPrimaryId());
        }
    }
}
