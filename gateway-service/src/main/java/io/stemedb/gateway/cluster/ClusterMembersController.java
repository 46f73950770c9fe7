package io.stemedb.gateway.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grpc.ManagedChannel;
import io.stemedb.common.membership.ClusterRoster;
import io.stemedb.common.membership.MembershipWatch;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.consensus.StatusQuery;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /cluster/members} and {@code GET /cluster/health} on the gateway, the runbooks' view of
 * the cluster: SWIM's view of who is alive (this node's membership-service, watched over gRPC)
 * joined with the consensus's voters, roles and term (this node's replication-service, asked per
 * request over gRPC).
 */
@RestController
public class ClusterMembersController {

    private static final long STATUS_DEADLINE_MS = 2_000;

    private final MembershipWatch membership;
    private final ConsensusControlGrpc.ConsensusControlBlockingStub consensus;

    public ClusterMembersController(MembershipWatch membership, ManagedChannel replicationChannel) {
        this.membership = membership;
        this.consensus = ConsensusControlGrpc.newBlockingStub(replicationChannel);
    }

    @GetMapping(path = "/cluster/members", produces = MediaType.APPLICATION_JSON_VALUE)
    public Members members() {
        return new Members(ClusterRoster.members(membership.members(), status()).stream()
                .map(member -> new Member(member.id(), member.status(), member.role(), member.term(), member.voter(),
                        member.assertionCount() < 0 ? null : member.assertionCount(), member.lastSeen(),
                        member.gossipAddress(), member.incarnation() == 0 ? null : member.incarnation()))
                .toList());
    }

    /**
     * {@code {"status", "quorum", "primary", "term", "voters", "voters_up", "election_quorum",
     * "members_up", "members"}}: {@code healthy} (200) while at least the election quorum of the
     * voters is UP as SWIM sees them (E = max(N − W + 1, majority), which is also enough for a
     * write quorum) and a primary is known; {@code degraded} (503, so a load balancer can act on
     * the code alone) otherwise, and while this node's consensus does not answer.
     */
    @GetMapping(path = "/cluster/health", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Health> health() {
        ConsensusStatus status = status();
        boolean answered = !status.getRole().isEmpty();
        List<ClusterRoster.Entry> members = ClusterRoster.members(membership.members(), status);
        ClusterRoster.Quorum quorum = ClusterRoster.quorum(members, status);
        boolean healthy = answered && quorum.quorum() && !status.getPrimaryId().isEmpty();
        int up = (int) members.stream().filter(member -> member.status().equals("UP")).count();
        Health health = new Health(healthy ? "healthy" : "degraded", quorum.quorum(),
                status.getPrimaryId().isEmpty() ? null : status.getPrimaryId(), status.getTerm(), quorum.voters(),
                quorum.votersUp(), quorum.electionQuorum(), up, members.size());
        return ResponseEntity.status(healthy ? 200 : 503).body(health);
    }

    private ConsensusStatus status() {
        try {
            return consensus.withDeadlineAfter(STATUS_DEADLINE_MS, TimeUnit.MILLISECONDS).getStatus(StatusQuery.getDefaultInstance());
        } catch (RuntimeException notAnswering) {
            return ConsensusStatus.getDefaultInstance();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(String status, boolean quorum, String primary, long term, int voters, int votersUp,
            int electionQuorum, int membersUp, int members) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Member(String id, String status, String role, long term, boolean voter, Long assertionCount,
            String lastSeen, String gossipAddress, Long incarnation) {}

    public record Members(List<Member> members) {}
}
