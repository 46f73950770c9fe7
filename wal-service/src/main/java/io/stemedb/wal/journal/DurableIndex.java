package io.stemedb.wal.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The highest index known to be on disk (with its entry's term), and a way to wait for it to move.
 * Readers never see an entry above it, so nothing a reader delivers can vanish in a crash.
 *
 * <p>It rises as appends become durable, and goes down only when entries are dropped on purpose
 * (a replica's truncation, or a failed truncation completed by the rebuild). Waiters are woken by
 * both: a reader waiting for more must also learn promptly that what it read is gone.
 *
 * <p>A lock and condition rather than {@code synchronized}, so waiting readers on virtual threads
 * do not pin their carriers.
 */
final class DurableIndex {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile DurablePosition position;
    /** Times the index went down; a waiter returns when it changes. Guarded by {@link #lock}. */
    private long lowerings;
    private volatile boolean closed;

    DurableIndex(long initial) {
        this.position = new DurablePosition(initial, 0);
    }

    long get() {
        return position.index();
    }

    DurablePosition position() {
        return position;
    }

    /** Everything through {@code index} (whose entry has {@code term}) is durable; never lowers it. */
    void advanceTo(long index, long term) {
        lock.lock();
        try {
            if (index > position.index()) {
                position = new DurablePosition(index, term);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the durable index to {@code index} whether that is up or down; down only when the
     * entries above it have been removed from the journal.
     */
    void reset(long index, long term) {
        lock.lock();
        try {
            if (index < position.index()) {
                lowerings++;
            }
            position = new DurablePosition(index, term);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the durable index reaches {@code atLeast}, goes down, the journal closes, or time
     * runs out.
     *
     * @return whether the index is at least {@code atLeast}
     */
    boolean awaitAtLeast(long atLeast, long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            long loweringsAtStart = lowerings;
            while (position.index() < atLeast && !closed && lowerings == loweringsAtStart) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return position.index() >= atLeast;
        } finally {
            lock.unlock();
        }
    }
}
