package io.stemedb.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.api.config.ApiProperties;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.common.cluster.ClusterMember;
import io.stemedb.common.cluster.ClusterViewHolder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/admin/cluster/members} (admin): the members as this node's membership sees them,
 * in the runbooks' shape. Where membership does not run in this process (a split deployment, for
 * now) the answer is this node alone.
 */
@RestController
public class ClusterController {

    private final ObjectProvider<ClusterViewHolder> cluster;
    private final AssertionIndex index;
    private final String nodeId;

    public ClusterController(ObjectProvider<ClusterViewHolder> cluster, AssertionIndex index, ApiProperties properties) {
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
     * @param assertionCount  known for this node; for others once they announce it (not yet)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String id, String status, String role, Long assertionCount, String lastSeen, String gossipAddress,
            Long incarnation) {}

    public record Members(List<Member> members) {}
}
