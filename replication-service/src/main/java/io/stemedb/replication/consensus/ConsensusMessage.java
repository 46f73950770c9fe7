package io.stemedb.replication.consensus;

import java.util.List;

/**
 * What nodes send each other. Every message carries its sender's term; a node that sees a higher
 * term than its own adopts it (and stops being primary or candidate) before anything else, except
 * where a rule below says otherwise.
 */
public sealed interface ConsensusMessage {

    String from();

    String to();

    long term();

    /**
     * "Would you vote for me in {@code term}?" (Raft thesis §9.6), asked before a real election and
     * changing nobody's term: a node cut off from the others cannot win it, so when it rejoins it
     * does not depose a working primary by bringing a higher term back.
     */
    record PreVote(String from, String to, long term, long lastIndex, long lastTerm, int priority)
            implements ConsensusMessage {}

    record PreVoteReply(String from, String to, long term, boolean granted) implements ConsensusMessage {}

    /**
     * Raft's RequestVote (§5.2). {@code transfer}: the primary asked this candidate to take over
     * ({@link TimeoutNow}), so voters answer even while they still hear from that primary.
     */
    record Vote(String from, String to, long term, long lastIndex, long lastTerm, boolean transfer)
            implements ConsensusMessage {}

    record VoteReply(String from, String to, long term, boolean granted) implements ConsensusMessage {}

    /**
     * Raft's AppendEntries (§5.3): entries after ({@code prevIndex}, {@code prevTerm}), none for a
     * heartbeat; the primary's commit index; and {@code readRound}, the latest leadership
     * confirmation round this message takes part in (0 for none).
     */
    record Append(String from, String to, long term, long prevIndex, long prevTerm, List<Entry> entries, long commitIndex,
            long readRound) implements ConsensusMessage {

        public Append {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The answer to an {@link Append}. On success {@code matchIndex} is the last index the two logs
     * now share and {@code hintIndex} the replica's last index; on a mismatch {@code matchIndex} is
     * the {@code prevIndex} refused and {@code hintIndex} where the primary should look next (the
     * replica's last index, or the entry before the start of its conflicting term).
     */
    record AppendReply(String from, String to, long term, boolean success, long matchIndex, long hintIndex, long readRound,
            int priority) implements ConsensusMessage {}

    /**
     * "What you lack is no longer in my log" (Raft's InstallSnapshot, without the snapshot): the
     * receiver drops its log and continues after ({@code baseIndex}, {@code baseTerm}), a committed
     * entry, with {@code configuration} in force there; the records up to the base reach its store
     * by anti-entropy. Answered by an {@link AppendReply} whose match index is the base (or the
     * receiver's commit index, if it already holds that much).
     */
    record Rebase(String from, String to, long term, long baseIndex, long baseTerm, ClusterConfiguration configuration,
            long commitIndex) implements ConsensusMessage {}

    /** Leadership transfer (Raft thesis §3.10): "campaign now, you are caught up". */
    record TimeoutNow(String from, String to, long term) implements ConsensusMessage {}
}
