package io.stemedb.replication.merkle;

import io.stemedb.common.merkle.IdRange;
import java.util.List;
import java.util.Locale;

/**
 * One sync of this node's store with another's: the ranges to go through (planned from a diff),
 * how far it got, and what it moved. Written by the sync's runner thread, read by anyone asking
 * for its state; every access holds the session's lock. An interrupted session keeps its plan and
 * its place, so that the next sync with the same node goes on from there.
 */
final class SyncSession {

    enum State { QUEUED, RUNNING, COMPLETED, INTERRUPTED }

    private final String node;
    private final String otherNode;
    private final boolean forced;
    private final long startedAtMillis;
    private boolean resumed;
    private State state = State.QUEUED;
    private List<IdRange> ranges;
    private double[] weights;
    private double totalWeight;
    private double doneWeight;
    private int next;
    private long fromThere;
    private long fromHere;
    private long refused;
    private long leftToLog;
    private long bytesReceived;
    private long bytesSent;
    private long finishedAtMillis;
    private String error = "";
    private volatile boolean cancelled;

    SyncSession(String node, String otherNode, boolean forced, long startedAtMillis) {
        this.node = node;
        this.otherNode = otherNode;
        this.forced = forced;
        this.startedAtMillis = startedAtMillis;
    }

    /** A new session that goes on from where an interrupted one stopped: its plan, place and counts. */
    synchronized SyncSession resumed(long now) {
        SyncSession next = new SyncSession(node, otherNode, forced, now);
        next.resumed = true;
        next.ranges = ranges;
        next.weights = weights;
        next.totalWeight = totalWeight;
        next.doneWeight = doneWeight;
        next.next = this.next;
        next.fromThere = fromThere;
        next.fromHere = fromHere;
        next.refused = refused;
        next.leftToLog = leftToLog;
        next.bytesReceived = bytesReceived;
        next.bytesSent = bytesSent;
        return next;
    }

    String otherNode() {
        return otherNode;
    }

    boolean forced() {
        return forced;
    }

    long startedAtMillis() {
        return startedAtMillis;
    }

    synchronized State state() {
        return state;
    }

    synchronized boolean isActive() {
        return state == State.QUEUED || state == State.RUNNING;
    }

    synchronized void running() {
        state = State.RUNNING;
    }

    void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled;
    }

    synchronized boolean isPlanned() {
        return ranges != null;
    }

    /** The ranges to go through, in id order, and the records each is thought to hold (its weight in the progress). */
    synchronized void plan(List<IdRange> planned, double[] plannedWeights) {
        ranges = List.copyOf(planned);
        weights = plannedWeights.clone();
        totalWeight = 0;
        for (double weight : weights) {
            totalWeight += weight;
        }
    }

    /** The ranges left, from the first not done. */
    synchronized List<IdRange> rangesLeft() {
        return ranges.subList(next, ranges.size());
    }

    synchronized double weightOf(int fromLeft) {
        return weights[next + fromLeft];
    }

    /** The next {@code count} ranges are done. */
    synchronized void rangesDone(int count) {
        for (int i = 0; i < count; i++) {
            doneWeight += weights[next + i];
        }
        next += count;
    }

    synchronized void handedOver(long fromThereCount, long fromHereCount) {
        fromThere += fromThereCount;
        fromHere += fromHereCount;
    }

    synchronized void refused(long count) {
        refused += count;
    }

    synchronized void leftToLog(long count) {
        leftToLog += count;
    }

    synchronized void bytes(long received, long sent) {
        bytesReceived += received;
        bytesSent += sent;
    }

    synchronized void completed(long now) {
        state = State.COMPLETED;
        finishedAtMillis = now;
    }

    synchronized void interrupted(long now, String why) {
        state = State.INTERRUPTED;
        finishedAtMillis = now;
        error = why;
    }

    /** 0 to 1; 1 once completed (also when there was nothing to do). */
    synchronized double progress() {
        if (state == State.COMPLETED) {
            return 1;
        }
        if (ranges == null) {
            return 0;
        }
        if (totalWeight == 0) {
            return next >= ranges.size() ? 1 : 0;
        }
        return Math.min(1, doneWeight / totalWeight);
    }

    synchronized io.stemedb.proto.antientropy.SyncSession toProto() {
        return io.stemedb.proto.antientropy.SyncSession.newBuilder()
                .setNode(node)
                .setOtherNode(otherNode)
                .setState(state.name().toLowerCase(Locale.ROOT))
                .setForced(forced)
                .setResumed(resumed)
                .setProgress(progress())
                .setRanges(ranges == null ? 0 : ranges.size())
                .setRangesDone(next)
                .setRecordsFromThere(fromThere)
                .setRecordsFromHere(fromHere)
                .setRecordsRefused(refused)
                .setRecordsLeftToLog(leftToLog)
                .setBytesReceived(bytesReceived)
                .setBytesSent(bytesSent)
                .setStartedAtMs(startedAtMillis)
                .setFinishedAtMs(finishedAtMillis)
                .setError(error)
                .build();
    }
}
