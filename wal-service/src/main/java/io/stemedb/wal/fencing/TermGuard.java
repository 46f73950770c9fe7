package io.stemedb.wal.fencing;

import io.stemedb.wal.journal.EntryToWrite;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who may write what, in which term: the {@link TermFence}, primary mode, and the commit lock that
 * makes the two consistent with what is written.
 *
 * <h2>The commit lock</h2>
 * The group committer holds it from checking a batch until the batch is durable and its appends
 * are completed; every change of the hard state or of primary mode takes it too. So a batch is
 * checked and written against one term, and once a term raise returns, no append is acknowledged
 * that was checked against the old term: it either completed before the raise took the lock, or
 * it is checked after the raise and refused.
 *
 * <h2>Primary mode</h2>
 * Volatile (a restarted journal is not primary until told again), and tied to the term it was
 * granted in: term-0 entries are taken only while the mode's term is still the fenced term, and
 * are stamped with it. A term raise also clears the mode explicitly, under the same lock.
 */
public final class TermGuard {

    private final TermFence fence;
    private final ReentrantLock commitLock = new ReentrantLock();
    /** The term primary mode was granted in; 0 when not primary. Written under the commit lock. */
    private volatile long primaryTerm;

    public TermGuard(TermFence fence) {
        this.fence = fence;
    }

    /** Held by the committer while it checks, writes and makes durable a batch. */
    public void lock() {
        commitLock.lock();
    }

    public void unlock() {
        commitLock.unlock();
    }

    public long fencedTerm() {
        return fence.current();
    }

    public HardState hardState() {
        return fence.hardState();
    }

    public boolean primary() {
        long term = primaryTerm;
        return term != 0 && term == fence.current();
    }

    /** {@link TermFence#raiseTo}, under the commit lock; a higher term ends primary mode. */
    public long raiseTo(long term) throws IOException {
        commitLock.lock();
        try {
            long before = fence.current();
            long after = fence.raiseTo(term);
            if (after != before) {
                primaryTerm = 0;
            }
            return after;
        } finally {
            commitLock.unlock();
        }
    }

    /** {@link TermFence#record}, under the commit lock; a higher term ends primary mode. */
    public HardState record(long term, String votedFor) throws IOException {
        commitLock.lock();
        try {
            long before = fence.current();
            HardState after = fence.record(term, votedFor);
            if (after.term() != before) {
                primaryTerm = 0;
            }
            return after;
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Enters or leaves primary mode for {@code term}, which must be the fenced term.
     *
     * @return whether the journal is in primary mode after the call
     * @throws TermMismatchException if {@code term} is not the fenced term; nothing changes
     */
    public boolean setPrimary(long term, boolean primary) {
        commitLock.lock();
        try {
            long fenced = fence.current();
            if (term != fenced) {
                throw new TermMismatchException(term, fenced);
            }
            primaryTerm = primary ? term : 0;
            return primary();
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * The entry as it is to be written: a term-0 entry stamped with the fenced term (primary mode
     * only), an entry with a term as it is if that term is not below the fence. Commit lock held,
     * so the term it is checked against is the one the write happens under.
     *
     * @throws NotPrimaryException for a term-0 entry outside primary mode
     * @throws StaleTermException for an entry of a term below the fenced term
     */
    public EntryToWrite admit(EntryToWrite entry) {
        if (!commitLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("entries are admitted under the commit lock only");
        }
        long fenced = fence.current();
        if (entry.term() == 0) {
            if (!primary()) {
                throw new NotPrimaryException(fenced);
            }
            return new EntryToWrite(fenced, entry.type(), entry.payload());
        }
        if (!fence.admits(entry.term())) {
            throw new StaleTermException(entry.term(), fenced);
        }
        return entry;
    }
}
