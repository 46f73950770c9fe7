package io.stemedb.wal.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads durable entries in index order. Never returns an entry above the journal's durable index,
 * so a reader cannot hand out something a crash could take back.
 *
 * <p>It knows the journal only through the shared {@link JournalQueue} (the open queue, its
 * generation and read lock, where each index sits, the first index kept) and the
 * {@link DurableIndex}. A cut or rebuild may replace the queue between two reads; the reader then
 * finds its position again in the new one.
 *
 * <p>Not thread-safe: Chronicle tailers are single-threaded, so the tailer is created on the first
 * {@link #next()} by the thread that reads.
 */
public final class JournalReader implements AutoCloseable {

    private final JournalQueue queue;
    private final DurableIndex durable;
    private long nextIndex;
    private ExcerptTailer tailer;
    private long tailerGeneration;
    private boolean positioned;

    JournalReader(JournalQueue queue, DurableIndex durable, long fromIndex) {
        this.queue = queue;
        this.durable = durable;
        this.nextIndex = fromIndex;
    }

    /** The index {@link #next()} will return next. */
    public long nextIndex() {
        return nextIndex == 0 ? Math.max(1, queue.firstIndex()) : nextIndex;
    }

    /** The next durable entry, or null if there is none yet. */
    public JournalEntry next() {
        if (queue.isClosed()) {
            throw new JournalUnavailableException("journal is closed");
        }
        if (nextIndex() > durable.get()) {
            return null;
        }
        queue.readLock().lock();
        try {
            if (queue.isClosed()) {
                throw new JournalUnavailableException("journal is closed");
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

    private JournalEntry read() {
        try (DocumentContext document = tailer.readingDocument()) {
            if (!document.isPresent()) {
                // Durable but not visible yet: the tailer is at the end of a cycle whose
                // successor it has not opened. The caller will come back.
                return null;
            }
            Bytes<?> bytes = document.wire().bytes();
            byte[] frame = new byte[Math.toIntExact(bytes.readRemaining())];
            bytes.read(frame);
            JournalEntry entry = EntryFrame.decode(frame);
            if (entry.index() != nextIndex) {
                throw new CorruptJournalException("reader expected entry " + nextIndex + " but read " + entry.index());
            }
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
