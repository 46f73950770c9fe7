package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole segments from the old end of the journal. A segment goes only when every entry in
 * it is below what the caller still needs, oldest first, and the newest segment always stays: it
 * is the one being written.
 *
 * <p>Before deleting, it keeps the index and term of the last entry that goes and the
 * configuration in force there ({@link RetainedBase}): the last configuration entry among those
 * that go, else the one the previous base kept.
 *
 * <p>Runs on the retention thread, under the {@linkplain JournalQueue#writeLock() write lock}, so
 * no reader is inside a segment while it goes and the failure rebuild cannot run at the same time.
 * The writer thread does not take that lock; it only ever writes the newest segment, which stays.
 */
final class SegmentRetention {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    /** {@code stemedb.wal.v1.EntryType.ENTRY_TYPE_CONFIGURATION}: the journal keeps the last one it deletes. */
    static final int CONFIGURATION_ENTRY = 6;

    private final JournalQueue queue;
    /** The last entry deleted, as {@code retained-base} holds it. */
    private volatile RetainedBase base = RetainedBase.NONE;

    SegmentRetention(JournalQueue queue) {
        this.queue = queue;
    }

    /** Reads {@code retained-base} at the open. */
    void load() throws IOException {
        base = RetainedBase.read(queue.directory());
    }

    /** The base as it stands (the last entry deleted, or the one a rebase continued after). */
    RetainedBase base() {
        return base;
    }

    /** A rebase kept {@code rebased} durably: from now on it is the base. */
    void rebased(RetainedBase rebased) {
        base = rebased;
    }

    /** The term of the entry just before the journal's first one, if retention deleted it; 0 if unknown. */
    long baseTerm() {
        long first = queue.firstIndex();
        return first == 0 ? 0 : base.termBefore(first);
    }

    /** The configuration in force just before the journal's first entry, if kept; empty if unknown. */
    byte[] baseConfiguration() {
        long first = queue.firstIndex();
        return first == 0 ? new byte[0] : base.configurationBefore(first);
    }

    /** Whether the base just before the journal's first entry is a rebase's. */
    boolean baseRebased() {
        long first = queue.firstIndex();
        return first > 1 && base.index() == first - 1 && base.rebased();
    }

    /**
     * The base for deleting every entry through {@code lastDeleted}: that entry's term and the
     * configuration in force at it. Null if an entry cannot be read.
     */
    private RetainedBase baseAfterDeleting(long lastDeleted) {
        long first = queue.firstIndex();
        long chronicleIndex = queue.chronicleIndexOf(first);
        // What the previous base kept, if it is the entry just before the journal's first one.
        byte[] configuration = base.index() >= first - 1 ? base.configuration() : new byte[0];
        long term = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (chronicleIndex < 0 || !tailer.moveToIndex(chronicleIndex)) {
                return null;
            }
            for (long index = first; index <= lastDeleted; index++) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        return null;
                    }
                    JournalEntry entry = EntryFrame.decode(document.wire().bytes());
                    if (entry.index() != index) {
                        return null;
                    }
                    if (entry.type() == CONFIGURATION_ENTRY) {
                        configuration = entry.payload();
                    }
                    term = entry.term();
                }
            }
        } catch (RuntimeException unreadable) {
            return null;
        }
        return term > 0 ? new RetainedBase(lastDeleted, term, configuration, false) : null;
    }

    /**
     * Deletes whole segments whose entries are all below {@code keepFrom}, except the newest
     * {@code keepNewest} segments (never fewer than one: the segment being written stays).
     *
     * @return the file names deleted, oldest first
     */
    List<String> deleteSegmentsBelow(long keepFrom, int keepNewest) throws IOException {
        queue.writeLock().lock();
        try {
            if (queue.isClosed()) {
                return List.of();
            }
            List<Map.Entry<Long, Integer>> cycles = queue.cyclesByBaseIndex();
            int deletable = cycles.size() - Math.max(1, keepNewest);
            int going = 0;
            // Indexes have no gaps, so a cycle ends just before the next one starts.
            while (going < deletable && cycles.get(going + 1).getKey() - 1 < keepFrom) {
                going++;
            }
            if (going > 0) {
                long lastDeleted = cycles.get(going).getKey() - 1;
                RetainedBase next = baseAfterDeleting(lastDeleted);
                if (next != null) {
                    next.write(queue.directory());
                    base = next;
                }
            }
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < going; i++) {
                long lastOfCycle = cycles.get(i + 1).getKey() - 1;
                Path segment = segmentFileOf(cycles.get(i).getValue());
                if (segment == null) {
                    break;
                }
                Files.deleteIfExists(segment);
                queue.forgetCycle(cycles.get(i).getKey());
                queue.setFirstIndex(lastOfCycle + 1);
                deleted.add(segment.getFileName().toString());
            }
            if (!deleted.isEmpty()) {
                JournalDirectory.sync(queue.directory());
                queue.current().refreshDirectoryListing();
                log.info("retention deleted segments {}; the journal now starts at entry {}", deleted, queue.firstIndex());
            }
            return deleted;
        } finally {
            queue.writeLock().unlock();
        }
    }

    private Path segmentFileOf(int cycle) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
                return null;
            }
            return tailer.currentFile().toPath();
        }
    }
}
