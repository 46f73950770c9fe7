package io.stemedb.common.membership;

import io.stemedb.proto.consensus.ConsensusStatus;
import io.stemedb.proto.consensus.MemberProgress;
import io.stemedb.proto.membership.Member;
import io.stemedb.proto.membership.MemberList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as operators read it ({@code /cluster/members}, {@code /v1/admin/cluster/members},
 * {@code /cluster/health}): SWIM's view of who is alive joined with the consensus's view of who
 * votes and who is primary, both as this node sees them. A member's role is the consensus's
 * ({@code primary} for the primary this node knows in its term, {@code learner} for a non-voter,
 * {@code replica} otherwise; this node's own role is its consensus role as is).
 */
public final class ClusterRoster {

    private ClusterRoster() {}

    /**
     * One member.
     *
     * @param assertionCount as it last announced it over gossip, -1 when unknown
     * @param voter          whether it votes in the current configuration
     */
    public record Entry(String id, String status, String role, long term, boolean voter, long assertionCount,
            String lastSeen, String gossipAddress, long incarnation) {}

    /** Every member either view knows of, sorted by id. */
    public static List<Entry> members(MemberList swim, ConsensusStatus consensus) {
        Map<String, MemberProgress> progress = new LinkedHashMap<>();
        consensus.getMembersList().forEach(member -> progress.put(member.getId(), member));
        Map<String, Member> alive = new LinkedHashMap<>();
        swim.getMembersList().forEach(member -> alive.put(member.getId(), member));
        java.util.Set<String> ids = new java.util.TreeSet<>(alive.keySet());
        ids.addAll(progress.keySet());
        if (!consensus.getNodeId().isEmpty()) {
            ids.add(consensus.getNodeId());
        }
        List<Entry> entries = new ArrayList<>();
        for (String id : ids) {
            Member seen = alive.get(id);
            MemberProgress member = progress.get(id);
            boolean self = id.equals(consensus.getNodeId());
            boolean voter = member != null ? member.getVoter() : self && consensus.getMembersCount() == 0;
            String status = seen != null ? seen.getStatus() : self ? "UP" : "unknown";
            entries.add(new Entry(id, status, roleOf(id, self, voter, consensus), consensus.getTerm(), voter,
                    seen == null ? -1 : parseCount(seen.getMetadataOrDefault("assertion_count", "-1")),
                    seen == null ? null : seen.getLastSeen(), seen == null ? null : seen.getGossipAddress(),
                    seen == null ? 0 : seen.getIncarnation()));
        }
        entries.sort(Comparator.comparing(Entry::id));
        return entries;
    }

    private static String roleOf(String id, boolean self, boolean voter, ConsensusStatus consensus) {
        if (consensus.getRole().isEmpty()) {
            return "unknown"; // the consensus did not answer
        }
        if (self) {
            return consensus.getRole();
        }
        if (id.equals(consensus.getPrimaryId())) {
            return "primary";
        }
        return voter ? "replica" : "learner";
    }

    private static long parseCount(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Whether the voters this node sees UP can elect a primary (and so a write quorum can form):
     * at least {@code electionQuorum} of them.
     */
    public static Quorum quorum(List<Entry> members, ConsensusStatus consensus) {
        int voters = 0;
        int up = 0;
        for (Entry member : members) {
            if (member.voter()) {
                voters++;
                if (member.status().equals("UP")) {
                    up++;
                }
            }
        }
        if (voters == 0) {
            voters = 1; // no consensus status yet: this node alone
            up = 1;
        }
        int w = Math.max(1, consensus.getWriteQuorum());
        int election = Math.max(voters - w + 1, voters / 2 + 1);
        return new Quorum(voters, up, election, up >= election && up >= w);
    }

    /**
     * @param voters         voters in the configuration
     * @param votersUp       of them, UP as SWIM sees them (this node always)
     * @param electionQuorum E = max(N − W + 1, majority)
     * @param quorum         enough voters are UP to elect a primary and to acknowledge writes
     */
    public record Quorum(int voters, int votersUp, int electionQuorum, boolean quorum) {}
}
