package io.stemedb.common.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.consensus.MemberProgress;
import io.stemedb.proto.membership.Member;
import io.stemedb.proto.membership.MemberList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterRosterTest {

    private static MemberList swim(String... idStatus) {
        MemberList.Builder list = MemberList.newBuilder();
        for (int i = 0; i < idStatus.length; i += 2) {
            list.addMembers(Member.newBuilder().setId(idStatus[i]).setStatus(idStatus[i + 1]).setGossipAddress("h:" + i)
                    .setIncarnation(1).putMetadata("assertion_count", Integer.toString(10 * i)));
        }
        return list.build();
    }

    private static ConsensusStatus consensus(String self, String role, String primary, int writeQuorum, String... voters) {
        ConsensusStatus.Builder status = ConsensusStatus.newBuilder().setNodeId(self).setRole(role).setTerm(7)
                .setPrimaryId(primary).setWriteQuorum(writeQuorum);
        for (String voter : voters) {
            status.addMembers(MemberProgress.newBuilder().setId(voter).setVoter(true));
        }
        return status.build();
    }

    @Test
    void rolesComeFromTheConsensusAndLivenessFromSwim() {
        List<ClusterRoster.Entry> members = ClusterRoster.members(swim("n1", "UP", "n2", "DOWN", "n3", "UP"),
                consensus("n1", "replica", "n3", 2, "n1", "n2", "n3"));
        assertThat(members).extracting(ClusterRoster.Entry::id).containsExactly("n1", "n2", "n3");
        assertThat(members).extracting(ClusterRoster.Entry::role).containsExactly("replica", "replica", "primary");
        assertThat(members).extracting(ClusterRoster.Entry::status).containsExactly("UP", "DOWN", "UP");
        assertThat(members).allSatisfy(member -> assertThat(member.term()).isEqualTo(7));
        assertThat(members.get(1).assertionCount()).isEqualTo(20);
    }

    @Test
    void aMemberOnlyTheConsensusKnowsIsListedWithUnknownStatusAndANonVoterIsALearner() {
        ConsensusStatus status = consensus("n1", "primary", "n1", 2, "n1", "n2").toBuilder()
                .addMembers(MemberProgress.newBuilder().setId("n4").setVoter(false)).build();
        List<ClusterRoster.Entry> members = ClusterRoster.members(swim("n1", "UP", "n4", "UP"), status);
        assertThat(members).extracting(ClusterRoster.Entry::id).containsExactly("n1", "n2", "n4");
        assertThat(members.get(1).status()).isEqualTo("unknown");
        assertThat(members.get(2).role()).isEqualTo("learner");
        assertThat(members.get(2).voter()).isFalse();
    }

    @Test
    void withoutAnAnswerFromTheConsensusEveryRoleIsUnknown() {
        List<ClusterRoster.Entry> members = ClusterRoster.members(swim("n1", "UP", "n2", "UP"), ConsensusStatus.getDefaultInstance());
        assertThat(members).extracting(ClusterRoster.Entry::role).containsOnly("unknown");
    }

    @Test
    void quorumCountsVotersUpAgainstTheElectionQuorum() {
        ConsensusStatus three = consensus("n1", "primary", "n1", 2, "n1", "n2", "n3");
        ClusterRoster.Quorum oneDown = ClusterRoster.quorum(ClusterRoster.members(swim("n1", "UP", "n2", "DOWN", "n3", "UP"), three),
                three);
        assertThat(oneDown).isEqualTo(new ClusterRoster.Quorum(3, 2, 2, true));
        ClusterRoster.Quorum twoDown = ClusterRoster.quorum(
                ClusterRoster.members(swim("n1", "UP", "n2", "DOWN", "n3", "SUSPECT"), three), three);
        assertThat(twoDown.quorum()).isFalse();
        // Five voters, W = 4: E = max(5 - 4 + 1, 3) = 3, but a write needs 4 up.
        ConsensusStatus five = consensus("n1", "primary", "n1", 4, "n1", "n2", "n3", "n4", "n5");
        ClusterRoster.Quorum threeUp = ClusterRoster.quorum(ClusterRoster.members(
                swim("n1", "UP", "n2", "UP", "n3", "UP", "n4", "DOWN", "n5", "DOWN"), five), five);
        assertThat(threeUp).isEqualTo(new ClusterRoster.Quorum(5, 3, 3, false));
        // Learners do not count.
        ConsensusStatus withLearner = three.toBuilder().addMembers(MemberProgress.newBuilder().setId("n9").setVoter(false)).build();
        assertThat(ClusterRoster.quorum(ClusterRoster.members(swim("n1", "UP", "n2", "UP", "n3", "UP", "n9", "UP"), withLearner),
                withLearner).voters()).isEqualTo(3);
    }
}
