package io.stemedb.replication.consensus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quorum arithmetic, as pure functions. StemeDB uses flexible quorums (Howard, Malkhi,
 * Spiegelman 2016): a write is durable on W = {@code replication.factor} voters, the primary
 * included, and an election needs E votes, where
 * <pre>
 *   E = max(N − W + 1, ⌊N/2⌋ + 1)
 * </pre>
 * N − W + 1 makes every election quorum meet every write quorum (W + E > N), so a new primary
 * always holds every acknowledged write. The majority floor makes any two election quorums meet
 * too: Raft's terms are not unique per candidate (Paxos ballots are), and two disjoint election
 * quorums could each elect a primary in the same term. With W ≥ a majority, as in the runbooks'
 * shapes (3 nodes factor 2, 5 nodes factor 3), E is a plain majority.
 */
public final class Quorum {

    private Quorum() {}

    /** Votes an election needs among {@code voters} voters when writes need {@code writeQuorum}. */
    public static int electionQuorum(int voters, int writeQuorum) {
        return Math.max(voters - writeQuorum + 1, voters / 2 + 1);
    }

    /**
     * The highest index that at least {@code writeQuorum} of {@code voters} hold, given each
     * member's highest matching index ({@code match}; members missing from it hold nothing).
     */
    public static long quorumIndex(Map<String, Long> match, Collection<String> voters, int writeQuorum) {
        if (writeQuorum < 1 || writeQuorum > voters.size()) {
            return 0;
        }
        List<Long> held = new ArrayList<>(voters.size());
        for (String voter : voters) {
            held.add(match.getOrDefault(voter, 0L));
        }
        held.sort(null);
        // Sorted ascending: the W-th largest is held by W voters (and by every one above it).
        return held.get(held.size() - writeQuorum);
    }

    /** Where a count of answers stands, for an election or a confirmation round. */
    public enum Outcome { WON, LOST, PENDING }

    /**
     * The outcome once {@code granted} and {@code refused} of {@code voters} have answered, when
     * {@code needed} grants win: LOST as soon as too few are left to reach it.
     */
    public static Outcome tally(Set<String> granted, Set<String> refused, Collection<String> voters, int needed) {
        long yes = voters.stream().filter(granted::contains).count();
        long no = voters.stream().filter(refused::contains).count();
        if (yes >= needed) {
            return Outcome.WON;
        }
        if (voters.size() - no < needed) {
            return Outcome.LOST;
        }
        return Outcome.PENDING;
    }
}
