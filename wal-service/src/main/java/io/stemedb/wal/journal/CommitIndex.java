package io.stemedb.wal.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The highest index the consensus has declared committed. Volatile on purpose: after a restart it
 * is 0 until the consensus says again (it knows; the journal does not), so committed-only readers
 * wait rather than deliver something that was never committed. It only rises.
 */
final class CommitIndex {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raised = lock.newCondition();
    private volatile long value;
    private volatile boolean closed;

    long get() {
        return value;
    }

    /** Raises the commit index to {@code index}; a lower value changes nothing. Returns the index after the call. */
    long raiseTo(long index) {
        lock.lock();
        try {
            if (index > value) {
                value = index;
                raised.signalAll();
            }
            return value;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            raised.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the commit index reaches {@code atLeast}, the journal closes, or time runs out. */
    boolean awaitAtLeast(long atLeast, long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (value < atLeast && !closed) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = raised.awaitNanos(remaining);
            }
            return value >= atLeast;
        } finally {
            lock.unlock();
        }
    }
}
