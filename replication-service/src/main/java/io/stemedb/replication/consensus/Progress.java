package io.stemedb.replication.consensus;

import java.util.ArrayDeque;

/**
 * What the primary knows of one member's log (Raft §5.3's nextIndex and matchIndex), and how it
 * sends to it: while {@code probing}, one {@code Append} at a time until the two logs are found to
 * match; then optimistically, each {@code Append} picking up where the previous one ended, with at
 * most {@code maxInflightAppends} unanswered.
 */
final class Progress {

    /** Highest index known to be the same in both logs. */
    long match;
    /** The next index to send. */
    long next;
    boolean probing = true;
    /** A probe was sent and not answered yet. */
    boolean probeOutstanding;
    /** The last index of each Append sent and not yet answered (while replicating). */
    final ArrayDeque<Long> inflight = new ArrayDeque<>();
    /** When (primary's clock) an Append was last sent, for heartbeats and probe retries. */
    long lastSentAt = Long.MIN_VALUE / 2;
    /** When the member last answered in this term; for check-quorum. */
    long lastHeardAt = Long.MIN_VALUE / 2;
    /** When {@link #match} last moved, or the member became replicating: a pipeline that stalls is resent. */
    long lastProgressAt;
    /** The member's own election priority, as it last said. */
    int priority;
    /** For a member the configuration removed: the index of that configuration entry (0: a member). */
    long departsAt;

    Progress(long next, long now) {
        this.next = next;
        this.lastHeardAt = now;
        this.lastProgressAt = now;
    }

    /** Back to one probe at a time, from {@code from}. */
    void probeFrom(long from) {
        probing = true;
        probeOutstanding = false;
        inflight.clear();
        next = Math.max(match + 1, from);
        lastSentAt = Long.MIN_VALUE / 2;
    }

    void replicate(long now) {
        probing = false;
        probeOutstanding = false;
        inflight.clear();
        next = match + 1;
        lastProgressAt = now;
    }

    /** The member holds everything up to {@code index}. */
    void matched(long index, long now) {
        if (index > match) {
            match = index;
            lastProgressAt = now;
        }
        while (!inflight.isEmpty() && inflight.peekFirst() <= match) {
            inflight.pollFirst();
        }
    }
}
