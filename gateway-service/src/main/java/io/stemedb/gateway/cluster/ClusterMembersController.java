package io.stemedb.gateway.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.common.cluster.ClusterMember;
import io.stemedb.common.cluster.ClusterViewHolder;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /cluster/members} on the gateway, the runbooks' view of the cluster:
 * {@code {"members":[{"id","status","role","assertion_count","last_seen",…}]}}, from the membership
 * of the embedded node this gateway runs in (assertion counts as each member announces them over
 * gossip). A gateway run as its own process has no membership to read yet: it lists no members,
 * and {@code /cluster/health} counts it as a cluster of one.
 */
@RestController
public class ClusterMembersController {

    private final ObjectProvider<ClusterViewHolder> cluster;

    public ClusterMembersController(ObjectProvider<ClusterViewHolder> cluster) {
        this.cluster = cluster;
    }

    @GetMapping(path = "/cluster/members", produces = MediaType.APPLICATION_JSON_VALUE)
    public Members members() {
        ClusterViewHolder holder = cluster.getIfAvailable();
        List<ClusterMember> seen = holder == null ? List.of() : holder.members();
        return new Members(seen.stream().map(member -> new Member(member.id(), member.status(), member.role(),
                member.assertionCount() < 0 ? null : member.assertionCount(), member.lastSeen(), member.gossipAddress(),
                member.incarnation())).toList());
    }

    /**
     * {@code GET /cluster/health}: {@code {"status", "quorum", "members_up", "members"}}. Status is
     * {@code healthy} while more than half of the known members are UP (a write quorum can form),
     * {@code degraded} otherwise (HTTP 503, so a load balancer can act on the code alone). A node
     * that runs no membership counts as a cluster of one.
     */
    @GetMapping(path = "/cluster/health", produces = MediaType.APPLICATION_JSON_VALUE)
    public org.springframework.http.ResponseEntity<Health> health() {
        ClusterViewHolder holder = cluster.getIfAvailable();
        List<ClusterMember> seen = holder == null ? List.of() : holder.members();
        int total = Math.max(1, seen.size());
        int up = seen.isEmpty() ? 1 : (int) seen.stream().filter(member -> member.status().equals("UP")).count();
        boolean quorum = up * 2 > total;
        Health health = new Health(quorum ? "healthy" : "degraded", quorum, up, total);
        return org.springframework.http.ResponseEntity.status(quorum ? 200 : 503).body(health);
    }

    public record Health(String status, boolean quorum, int membersUp, int members) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String id, String status, String role, Long assertionCount, String lastSeen, String gossipAddress,
            long incarnation) {}

    public record Members(List<Member> members) {}
}
