package io.stemedb.replication.consensus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The primary's leadership-confirmed reads (Raft §8, ReadIndex). A read takes the commit index when
 * it arrives and a confirmation round number; heartbeats carry the newest round, and a replica's
 * answer in this term acknowledges every round up to the one it echoes. Once W voters (the primary
 * included) have acknowledged a read's round, no newer primary can exist (any election quorum
 * meets those W), so the read's index is safe to serve. Reads that arrive before the primary has
 * committed an entry of its own term wait for it: until then its commit index may lag behind
 * what an earlier primary acknowledged.
 */
final class ReadConfirmations {

    private record PendingRead(long requestId, long index, long round, Set<String> acknowledged) {}

    private final List<PendingRead> confirming = new ArrayList<>();
    private final List<Long> waitingForTermCommit = new ArrayList<>();
    private long round;

    /** Starts confirming a read at {@code index}; returns the round the next heartbeats must carry. */
    long start(long requestId, long index, String self) {
        round++;
        Set<String> acknowledged = new HashSet<>();
        acknowledged.add(self);
        confirming.add(new PendingRead(requestId, index, round, acknowledged));
        return round;
    }

    void waitForTermCommit(long requestId) {
        waitingForTermCommit.add(requestId);
    }

    /** The reads that were waiting for a committed entry of this term; they wait no more. */
    List<Long> takeWaiting() {
        List<Long> waiting = new ArrayList<>(waitingForTermCommit);
        waitingForTermCommit.clear();
        return waiting;
    }

    long round() {
        return round;
    }

    boolean hasPending() {
        return !confirming.isEmpty();
    }

    /**
     * Records that {@code member} acknowledged rounds up to {@code echoedRound}; returns the reads
     * now confirmed by {@code needed} of {@code voters} and, while a configuration change is not
     * committed, by {@code needed} of the {@code previousVoters} too (an election under either
     * configuration must meet the acknowledgers), as (request id, index).
     */
    List<ReadState> acknowledge(String member, long echoedRound, Set<String> voters, Set<String> previousVoters, int needed) {
        List<ReadState> confirmed = new ArrayList<>();
        for (Iterator<PendingRead> it = confirming.iterator(); it.hasNext();) {
            PendingRead read = it.next();
            if (read.round() <= echoedRound) {
                read.acknowledged().add(member);
            }
            if (enough(read.acknowledged(), voters, needed) && enough(read.acknowledged(), previousVoters, needed)) {
                confirmed.add(new ReadState(read.requestId(), read.index()));
                it.remove();
            }
        }
        return confirmed;
    }

    private static boolean enough(Set<String> acknowledged, Set<String> voters, int needed) {
        return acknowledged.stream().filter(voters::contains).count() >= Math.min(needed, voters.size());
    }

    /** Every read still open, refused: this node is no longer primary. */
    List<ReadState> failAll() {
        List<ReadState> failed = new ArrayList<>();
        for (PendingRead read : confirming) {
            failed.add(new ReadState(read.requestId(), -1));
        }
        for (long requestId : waitingForTermCommit) {
            failed.add(new ReadState(requestId, -1));
        }
        confirming.clear();
        waitingForTermCommit.clear();
        return failed;
    }
}
