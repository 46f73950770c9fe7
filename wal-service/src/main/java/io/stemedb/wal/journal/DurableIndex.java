package io.stemedb.wal.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The highest index known to be on disk, and a way to wait for it to move. Readers never see an
 * entry above it, so nothing a reader delivers can vanish in a crash.
 *
 * <p>A lock and condition rather than {@code synchronized}, so waiting readers on virtual threads
 * do not pin their carriers.
 */
final class DurableIndex {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private volatile long value;
    private volatile boolean closed;

    DurableIndex(long initial) {
        this.value = initial;
    }

    long get() {
        return value;
    }

    void advanceTo(long index) {
        lock.lock();
        try {
            if (index > value) {
                value = index;
                advanced.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the durable index reaches {@code atLeast}, the journal closes, or time runs out. */
    boolean awaitAtLeast(long atLeast, long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (value < atLeast && !closed) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = advanced.awaitNanos(remaining);
            }
            return value >= atLeast;
        } finally {
            lock.unlock();
        }
    }
}
