package io.stemedb.replication.consensus;

import java.util.ArrayList;
import java.util.List;

/**
 * The term of every entry of a log, kept as runs: terms change only when the primary does, so a
 * log of millions of entries is a handful of (first index, term) pairs. This is all the consensus
 * needs of the log itself (the consistency check, "at least as up to date", the commit rule);
 * the entries stay in the journal.
 *
 * <p>Below {@link #firstIndex()} the log may have been cut by retention; {@link #baseIndex()} and
 * {@link #baseTerm()} are then the last entry cut, as a snapshot's would be.
 */
public final class TermRuns {

    /** (first index, term) of each run, ascending. */
    private final List<long[]> runs = new ArrayList<>();
    private long baseIndex;
    private long baseTerm;
    private long lastIndex;

    /** An empty log. */
    public TermRuns() {}

    /** An empty log that continues after {@code baseIndex} (of {@code baseTerm}). */
    public TermRuns(long baseIndex, long baseTerm) {
        this.baseIndex = baseIndex;
        this.baseTerm = baseTerm;
        this.lastIndex = baseIndex;
    }

    public long firstIndex() {
        return baseIndex + 1;
    }

    public long lastIndex() {
        return lastIndex;
    }

    public long baseIndex() {
        return baseIndex;
    }

    public long baseTerm() {
        return baseTerm;
    }

    /** The term of the last entry, 0 for an empty log. */
    public long lastTerm() {
        return termAt(lastIndex);
    }

    /**
     * The term of entry {@code index}: 0 for index 0, {@link #baseTerm()} for the base, -1 when
     * the log does not hold it (beyond its end, or cut below its base).
     */
    public long termAt(long index) {
        if (index == baseIndex) {
            return baseTerm;
        }
        if (index < baseIndex || index > lastIndex) {
            return -1;
        }
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i)[0] <= index) {
                return runs.get(i)[1];
            }
        }
        throw new IllegalStateException("no run holds entry " + index);
    }

    /** The first index of the run that holds {@code index} (where that term began in this log). */
    public long firstIndexOfTermAt(long index) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i)[0] <= index) {
                return runs.get(i)[0];
            }
        }
        return firstIndex();
    }

    /** Adds entry {@code index} of {@code term}, which must follow the last one and not lower its term. */
    public void append(long index, long term) {
        if (index != lastIndex + 1) {
            throw new IllegalArgumentException("entry " + index + " does not follow the last one, " + lastIndex);
        }
        long previous = lastTerm();
        if (term < previous) {
            throw new IllegalArgumentException("entry " + index + " of term " + term + " follows one of term " + previous);
        }
        if (runs.isEmpty() || term != previous) {
            runs.add(new long[] {index, term});
        }
        lastIndex = index;
    }

    /** Drops {@code fromIndex} and everything after it. */
    public void truncateFrom(long fromIndex) {
        if (fromIndex <= baseIndex) {
            throw new IllegalArgumentException("cannot cut at " + fromIndex + ", at or below the base " + baseIndex);
        }
        if (fromIndex > lastIndex) {
            return;
        }
        while (!runs.isEmpty() && runs.get(runs.size() - 1)[0] >= fromIndex) {
            runs.remove(runs.size() - 1);
        }
        lastIndex = fromIndex - 1;
    }

    /**
     * Forgets the entries up to {@code newBase} (retention deleted them from the journal; they were
     * committed): the log now starts after it, and the base's term is kept. Nothing happens for a
     * base at or below the current one.
     *
     * @throws IllegalArgumentException for a base past the last entry
     */
    public void compactTo(long newBase) {
        if (newBase <= baseIndex) {
            return;
        }
        if (newBase > lastIndex) {
            throw new IllegalArgumentException("cannot compact to " + newBase + ", past the last entry " + lastIndex);
        }
        long newBaseTerm = termAt(newBase);
        while (runs.size() > 1 && runs.get(1)[0] <= newBase + 1) {
            runs.remove(0);
        }
        if (newBase == lastIndex) {
            runs.clear();
        } else if (!runs.isEmpty() && runs.get(0)[0] < newBase + 1) {
            runs.get(0)[0] = newBase + 1;
        }
        baseIndex = newBase;
        baseTerm = newBaseTerm;
    }

    /**
     * Drops every entry: the log continues after ({@code base}, {@code term}), a committed entry
     * the primary holds (what came before it reaches this node's store by anti-entropy, not by the
     * log).
     */
    public void rebase(long base, long term) {
        runs.clear();
        baseIndex = base;
        baseTerm = term;
        lastIndex = base;
    }

    /** Whether this log knows the term of entry {@code index} (a base cut at a restart has lost it: 0). */
    public boolean knowsTermAt(long index) {
        return index == 0 || termAt(index) > 0;
    }

    /**
     * Whether a log ending at ({@code otherLastIndex}, {@code otherLastTerm}) is at least as up to
     * date as this one (Raft §5.4.1): a later last term, or the same last term and no shorter.
     */
    public boolean isUpToDate(long otherLastIndex, long otherLastTerm) {
        long myLastTerm = lastTerm();
        return otherLastTerm > myLastTerm || (otherLastTerm == myLastTerm && otherLastIndex >= lastIndex);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TermRuns[base " + baseIndex + "@" + baseTerm);
        for (long[] run : runs) {
            text.append(", ").append(run[0]).append("→").append(run[1]);
        }
        return text.append(", last ").append(lastIndex).append(']').toString();
    }
}
