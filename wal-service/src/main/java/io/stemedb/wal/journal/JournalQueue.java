package io.stemedb.wal.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's open Chronicle queue as every part of the journal shares it, and where each log
 * index sits in it.
 *
 * <h2>Replacing the queue</h2>
 * A cut, a truncation or a failure rebuild closes the queue and opens a new one over the changed
 * files. That happens only under the {@linkplain #writeLock() write lock} (or during the open,
 * before anyone else has the journal), and every replacement changes the
 * {@linkplain #generation() generation}.
 * A reader holds the {@linkplain #readLock() read lock} while it touches a tailer, so the queue is
 * never closed underneath it, and recreates its tailer when the generation has moved.
 *
 * <h2>Positions</h2>
 * For every cycle (segment) that holds entries, the log index its sequence 0 has. The writer
 * thread adds to it without a lock (the map is concurrent); a scan rebuilds it (during the open,
 * or under the write lock in a rebuild), and retention and truncations remove from it under the
 * write lock; readers look it up under the read lock.
 */
final class JournalQueue {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    private final Path directory;
    private final RollCycle rollCycle;
    private final SegmentClock clock;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Log index that sequence 0 of a cycle has, for every cycle that holds entries. */
    private final NavigableMap<Long, Integer> cycleByBaseIndex = new ConcurrentSkipListMap<>();
    private volatile SingleChronicleQueue queue;
    private volatile long generation;
    private volatile long firstIndex;
    private volatile boolean closed;

    /** {@code wallClock} is the time Chronicle rolls segments by, before any floor is applied. */
    JournalQueue(Path directory, RollCycle rollCycle, TimeProvider wallClock) {
        this.directory = directory;
        this.rollCycle = rollCycle;
        this.clock = new SegmentClock(wallClock);
    }

    Path directory() {
        return directory;
    }

    RollCycle rollCycle() {
        return rollCycle;
    }

    /** Opens the first queue; nobody else can hold the journal yet. */
    void open() {
        queue = build();
    }

    private SingleChronicleQueue build() {
        return SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(rollCycle)
                .timeProvider(clock)
                .build();
    }

    /** The queue now open; do not keep it across a replacement. */
    SingleChronicleQueue current() {
        return queue;
    }

    ExcerptTailer createTailer() {
        return queue.createTailer();
    }

    /** Closes the queue so its files can be moved; {@link #reopen()} must follow. Write lock held. */
    void closeForCut() {
        queue.close();
    }

    /** Opens a new queue over the files now in the directory. Write lock held. */
    void reopen() {
        queue = build();
        generation++;
    }

    /**
     * Drops the queue after a failed write or fsync, as far as it still closes (a full disk can
     * make closing fail too), and opens a new one. Write lock held.
     */
    void replaceAfterFailure() {
        try {
            queue.close();
        } catch (Exception | InternalError e) {
            log.debug("closing {} after a failure: {}", queue, e.toString());
        }
        reopen();
    }

    /** Changes whenever the queue is replaced; readers then recreate their tailers. */
    long generation() {
        return generation;
    }

    /** Held by readers while they touch a tailer, so the queue is not swapped underneath them. */
    ReentrantReadWriteLock.ReadLock readLock() {
        return lock.readLock();
    }

    /** Held while the queue is replaced (cut, rebuild), segments are deleted, or the journal closes. */
    ReentrantReadWriteLock.WriteLock writeLock() {
        return lock.writeLock();
    }

    /**
     * Chronicle will not pick a cycle before {@code cycle} for a write again, whatever the wall
     * clock says.
     */
    void neverWriteBeforeCycle(int cycle) {
        clock.raiseFloorTo(queue.epoch() + (long) cycle * rollCycle.lengthInMillis());
    }

    /**
     * Records that entry {@code index} is at {@code chronicleIndex}.
     *
     * @throws CorruptJournalException if that does not follow the entries before it in its cycle
     */
    void recordPosition(long index, long chronicleIndex) {
        int cycle = rollCycle.toCycle(chronicleIndex);
        long base = index - rollCycle.toSequenceNumber(chronicleIndex);
        Map.Entry<Long, Integer> known = cycleByBaseIndex.floorEntry(index);
        if (known != null && known.getValue() == cycle) {
            if (known.getKey() != base) {
                throw new CorruptJournalException("entry " + index + " is at sequence "
                        + rollCycle.toSequenceNumber(chronicleIndex) + " of cycle " + cycle
                        + ", which does not follow the entries before it in that cycle");
            }
            return;
        }
        cycleByBaseIndex.put(base, cycle);
    }

    /** Forgets every position, before a scan records them again. */
    void clearPositions() {
        cycleByBaseIndex.clear();
    }

    /** Where entry {@code index} sits in Chronicle's numbering, or -1 if no cycle holds it. */
    long chronicleIndexOf(long index) {
        Map.Entry<Long, Integer> cycle = cycleByBaseIndex.floorEntry(index);
        if (cycle == null) {
            return -1;
        }
        return rollCycle.toIndex(cycle.getValue(), index - cycle.getKey());
    }

    /** Every cycle holding entries, as (index of its first entry, cycle), oldest first. */
    List<Map.Entry<Long, Integer>> cyclesByBaseIndex() {
        return new ArrayList<>(cycleByBaseIndex.entrySet());
    }

    /**
     * Forgets where entries from {@code index} on are, once a truncation removed them: every cycle
     * whose first entry is at or above it. Write lock held.
     */
    void forgetPositionsFrom(long index) {
        cycleByBaseIndex.tailMap(index, true).clear();
    }

    /** Forgets the cycle whose first entry is {@code baseIndex}, once its segment is deleted. */
    void forgetCycle(long baseIndex) {
        cycleByBaseIndex.remove(baseIndex);
    }

    /** The first index the journal holds, 0 while it is empty. */
    long firstIndex() {
        return firstIndex;
    }

    void setFirstIndex(long index) {
        firstIndex = index;
    }

    boolean isClosed() {
        return closed;
    }

    /** From now on nobody starts to use the queue; {@link #close()} follows under the write lock. */
    void markClosed() {
        closed = true;
    }

    /**
     * Closes the queue for good, if one was ever opened (a failed open leaves none). Write lock
     * held, after the appender is closed.
     */
    void close() {
        if (queue != null) {
            queue.close();
        }
    }
}
