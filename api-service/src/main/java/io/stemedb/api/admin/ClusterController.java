package io.stemedb.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.api.config.ApiProperties;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.common.cluster.ClusterControl;
import io.stemedb.common.cluster.ClusterMember;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import tools.jackson.databind.JsonNode;
import io.stemedb.common.cluster.ClusterViewHolder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cluster's admin endpoints on the api port (admin key; the gateway's {@code /admin/cluster/*}
 * is the same implementation): {@code GET /v1/admin/cluster/members}, the members as this node's
 * membership sees them, in the runbooks' shape; {@code POST /v1/admin/cluster/remove}; and
 * {@code POST /v1/admin/cluster/restart-gossip}. Membership reaches this service through the
 * embedded node's {@link ClusterViewHolder}; a standalone api-service has none, lists itself alone
 * and answers the controls with 503 {@code membership_unavailable}.
 */
@RestController
public class ClusterController {

    private final ObjectProvider<ClusterViewHolder> cluster;
    private final AssertionIndex index;
    private final String nodeId;

    private final JsonRequestReader json;

    public ClusterController(ObjectProvider<ClusterViewHolder> cluster, AssertionIndex index, ApiProperties properties,
            ValidationLimits limits) {
        this.json = new JsonRequestReader(limits);
        this.cluster = cluster;
        this.index = index;
        this.nodeId = properties.nodeId();
    }

    @GetMapping(path = "/v1/admin/cluster/members", produces = MediaType.APPLICATION_JSON_VALUE)
    public Members members() {
        ClusterViewHolder holder = cluster.getIfAvailable();
        List<ClusterMember> seen = holder == null ? List.of() : holder.members();
        List<Member> members = new ArrayList<>();
        if (seen.isEmpty()) {
            members.add(new Member(nodeId, "UP", "primary", index.assertionCount(), Instant.now().toString(), null, null));
        }
        for (ClusterMember member : seen) {
            boolean self = member.id().equals(nodeId);
            members.add(new Member(member.id(), member.status(), member.role(),
                    self ? Long.valueOf(index.assertionCount()) : member.assertionCount() < 0 ? null : member.assertionCount(),
                    member.lastSeen(), member.gossipAddress(), member.incarnation()));
        }
        return new Members(members);
    }

    /**
     * @param assertionCount  this node's own count; another member's as it last announced it over
     *                        gossip (absent until it has)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String id, String status, String role, Long assertionCount, String lastSeen, String gossipAddress,
            Long incarnation) {}

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
        ClusterControl.Removal outcome = control().remove(node, force != null && force.asBoolean());
        return switch (outcome) {
            case REMOVED -> new Removed(node, true);
            case UNKNOWN_MEMBER -> throw new NotFoundException("node_id", "this node does not know a member " + node);
            case STILL_UP -> throw new ConflictException("member " + node + " is still UP or SUSPECT; stop it first, or"
                    + " pass \"force\": true (a live member will refute and come back)");
        };
    }

    /** {@code POST /v1/admin/cluster/restart-gossip}: closes and reopens this node's gossip. */
    @PostMapping(path = "/v1/admin/cluster/restart-gossip", produces = MediaType.APPLICATION_JSON_VALUE)
    public Restarted restartGossip() {
        control().restartGossip();
        return new Restarted(true);
    }

    private ClusterControl control() {
        ClusterViewHolder holder = cluster.getIfAvailable();
        ClusterControl control = holder == null ? null : holder.control();
        if (control == null) {
            throw new UnavailableException(UnavailableReason.MEMBERSHIP_UNAVAILABLE,
                    "membership does not run in this process; use the node's embedded API", 5);
        }
        return control;
    }

    public record Removed(String nodeId, boolean removed) {}

    public record Restarted(boolean restarted) {}
}
