package io.stemedb.wal.journal;

import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads durable entries in index order. Never returns an entry above the journal's durable index,
 * so a reader cannot hand out something a crash could take back; a committed-only reader also
 * never returns one above the commit index.
 *
 * <p>It knows the journal only through the shared {@link JournalQueue} (the open queue, its
 * generation and read lock, where each index sits, the first index kept), the
 * {@link DurableIndex} and the {@link CommitIndex}. A cut, rebuild or truncation may replace the
 * queue between two reads; the reader then finds its position again in the new one.
 *
 * <h2>Truncation</h2>
 * A truncation (under the write lock) marks every open reader that has returned an entry it
 * dropped; such a reader throws {@link JournalTruncatedException} from then on, since what it
 * handed out is no longer the journal. A reader that had not got that far carries on and reads
 * the entries written in their place. {@link #deliver} lets the caller hand entries on under the
 * read lock, so none leaves after the truncation that dropped it.
 *
 * <p>Not thread-safe: Chronicle tailers are single-threaded, so the tailer is created on the first
 * {@link #next()} by the thread that reads.
 */
public final class JournalReader implements AutoCloseable {

    private final JournalQueue queue;
    private final DurableIndex durable;
    /** Null for a reader of every durable entry. */
    private final CommitIndex commit;
    /** Null when nothing truncates (tests of the reader alone). */
    private final OpenReaders openReaders;
    private long nextIndex;
    /** The last index returned, 0 if none. Read by a truncation under the write lock. */
    private long returnedThrough;
    /** Where a truncation dropped entries this reader returned; 0 if none did. Set under the write lock. */
    private volatile long truncatedAt;
    private ExcerptTailer tailer;
    private long tailerGeneration;
    private boolean positioned;

    JournalReader(JournalQueue queue, DurableIndex durable, long fromIndex) {
        this(queue, durable, null, null, fromIndex);
    }

    JournalReader(JournalQueue queue, DurableIndex durable, CommitIndex commit, OpenReaders openReaders,
            long fromIndex) {
        this.queue = queue;
        this.durable = durable;
        this.commit = commit;
        this.openReaders = openReaders;
        this.nextIndex = fromIndex;
        if (openReaders != null) {
            openReaders.add(this);
        }
    }

    /** The index {@link #next()} will return next. */
    public long nextIndex() {
        return nextIndex == 0 ? Math.max(1, queue.firstIndex()) : nextIndex;
    }

    /** The highest index this reader may return now: the durable index, or the commit index if lower. */
    public long readableThrough() {
        long durableIndex = durable.get();
        return commit == null ? durableIndex : Math.min(durableIndex, commit.get());
    }

    /**
     * Waits until {@link #nextIndex()} is readable, the durable index goes down, the journal
     * closes, or time runs out.
     *
     * @return whether the next entry is readable now
     */
    public boolean awaitReadable(long timeout, TimeUnit unit) throws InterruptedException {
        long next = nextIndex();
        if (durable.get() < next) {
            return durable.awaitAtLeast(next, timeout, unit);
        }
        return commit == null || commit.awaitAtLeast(next, timeout, unit);
    }

    /**
     * The next readable entry, or null if there is none yet.
     *
     * @throws JournalTruncatedException if a truncation dropped an entry this reader returned
     */
    public JournalEntry next() {
        if (queue.isClosed()) {
            throw new JournalUnavailableException("journal is closed");
        }
        failIfTruncated();
        if (nextIndex() > readableThrough()) {
            return null;
        }
        queue.readLock().lock();
        try {
            if (queue.isClosed()) {
                throw new JournalUnavailableException("journal is closed");
            }
            failIfTruncated();
            if (nextIndex() > readableThrough()) {
                // A truncation took the durable index down since the look above.
                return null;
            }
            if (tailer != null && tailerGeneration != queue.generation()) {
                // The journal was cut and reopened: the old tailer belongs to a closed queue.
                closeTailer();
            }
            if (!positioned && !position()) {
                return null;
            }
            return read();
        } finally {
            queue.readLock().unlock();
        }
    }

    /**
     * Runs {@code delivery} (handing on entries this reader returned) unless a truncation has
     * dropped one of them, with the read lock held so that no truncation can happen meanwhile.
     * Keep it short: truncations, rebuilds and retention wait for it.
     *
     * @throws JournalTruncatedException if a truncation dropped an entry this reader returned
     */
    public void deliver(Runnable delivery) {
        queue.readLock().lock();
        try {
            failIfTruncated();
            delivery.run();
        } finally {
            queue.readLock().unlock();
        }
    }

    /** Called by a truncation, under the write lock: entries from {@code index} on are gone. */
    void truncatedFrom(long index) {
        if (returnedThrough >= index) {
            long earlier = truncatedAt;
            truncatedAt = earlier == 0 ? index : Math.min(earlier, index);
        }
    }

    private void failIfTruncated() {
        long at = truncatedAt;
        if (at != 0) {
            throw new JournalTruncatedException(at);
        }
    }

    private JournalEntry read() {
        try (DocumentContext document = tailer.readingDocument()) {
            if (!document.isPresent()) {
                // Durable but not visible yet: the tailer is at the end of a cycle whose
                // successor it has not opened. The caller will come back.
                return null;
            }
            JournalEntry entry = EntryFrame.decode(document.wire().bytes());
            if (entry.index() != nextIndex) {
                throw new CorruptJournalException("reader expected entry " + nextIndex + " but read " + entry.index());
            }
            returnedThrough = nextIndex;
            nextIndex++;
            return entry;
        }
    }

    private boolean position() {
        long first = queue.firstIndex();
        if (first == 0) {
            return false;
        }
        if (nextIndex == 0) {
            nextIndex = first;
        } else if (nextIndex < first) {
            throw new EntriesDeletedException(nextIndex, first);
        }
        long chronicleIndex = queue.chronicleIndexOf(nextIndex);
        if (tailer == null) {
            tailer = queue.createTailer();
            tailerGeneration = queue.generation();
        }
        if (chronicleIndex < 0 || !tailer.moveToIndex(chronicleIndex)) {
            throw new IllegalStateException("entry " + nextIndex + " is durable but cannot be located in the journal");
        }
        positioned = true;
        return true;
    }

    private void closeTailer() {
        try {
            tailer.close();
        } catch (RuntimeException alreadyClosedWithItsQueue) {
            // Nothing to release.
        }
        tailer = null;
        positioned = false;
    }

    @Override
    public void close() {
        if (openReaders != null) {
            openReaders.remove(this);
        }
        if (tailer != null) {
            queue.readLock().lock();
            try {
                closeTailer();
            } finally {
                queue.readLock().unlock();
            }
        }
    }
}
