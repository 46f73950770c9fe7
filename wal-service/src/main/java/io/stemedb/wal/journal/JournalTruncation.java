package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Drops a durable suffix of the journal while it runs: a replica's consensus replacing entries a
 * newer primary does not have. Whether a truncation is allowed (never in primary mode, never a
 * committed entry) is the caller's decision; this carries it out.
 *
 * <p>It is the start-up cut ({@link TailCut}) applied at a chosen index, so it is as crash-safe:
 * the cut's marker makes it all-or-nothing (an open after a crash finishes it), and when this
 * returns the new layout is durable, so no crash brings a dropped entry back. What the running
 * journal believes follows under the same write lock: the positions of the dropped entries are
 * forgotten, the writer continues after the last kept entry, the durable index goes down to it,
 * and every open reader that returned a dropped entry is marked, all before any reader can look
 * again.
 *
 * <p>Writer thread only, with every written entry durable (the committer truncates between
 * batches, never inside one).
 */
final class JournalTruncation {

    private final JournalQueue queue;
    private final SegmentWriter writer;
    private final DurableIndex durable;
    private final OpenReaders readers;
    private final TailCut tailCut;
    private final SegmentRetention retention;
    private final int keepTruncations;

    JournalTruncation(JournalQueue queue, SegmentWriter writer, DurableIndex durable, OpenReaders readers,
            TailCut tailCut, SegmentRetention retention, int keepTruncations) {
        this.queue = queue;
        this.writer = writer;
        this.durable = durable;
        this.readers = readers;
        this.tailCut = tailCut;
        this.retention = retention;
        this.keepTruncations = keepTruncations;
    }

    /**
     * Drops every entry from {@code fromIndex} on and returns them, in index order, once the
     * journal without them is durable.
     *
     * @throws IOException if the disk refuses; the journal must then be rebuilt, which finishes the
     *     truncation if it got as far as its marker
     */
    List<JournalEntry> truncateFrom(long fromIndex) throws IOException {
        long last = writer.lastWrittenIndex();
        if (fromIndex < 1 || fromIndex > last) {
            throw new IllegalArgumentException("cannot truncate from " + fromIndex + ": the journal ends at " + last);
        }
        if (durable.get() != last) {
            throw new IllegalStateException("entries up to " + last + " are written but only " + durable.get()
                    + " are durable; truncate between batches only");
        }
        List<JournalEntry> dropped = new ArrayList<>();
        queue.writeLock().lock();
        try {
            if (queue.isClosed()) {
                throw new JournalUnavailableException("journal is closed");
            }
            CutPoint cut = readFrom(fromIndex, last, dropped);
            writer.abandon();
            tailCut.cut(cut, fromIndex - 1);
            queue.forgetPositionsFrom(fromIndex);
            if (queue.firstIndex() >= fromIndex) {
                queue.setFirstIndex(0);
            }
            long lastTerm = continueWriterAfter(fromIndex - 1);
            // Never write into a cycle before the one cut, whatever the wall clock says.
            queue.neverWriteBeforeCycle(cut.cycle());
            // Readers first: lowering the durable index wakes the readers waiting for more, and one
            // that looks before it is marked would see "nothing readable yet" instead of the truncation.
            readers.truncatedFrom(fromIndex);
            durable.reset(fromIndex - 1, lastTerm);
        } finally {
            queue.writeLock().unlock();
        }
        RemovedSegments.pruneTruncated(queue.directory(), keepTruncations);
        return dropped;
    }

    /**
     * A rebase: the journal continues after entry {@code base} of {@code baseTerm}, which it does
     * not hold, with {@code configuration} in force there. The base is kept first
     * ({@link RetainedBase}, durably), then every entry the journal holds goes, as a truncation
     * from its first one; they are returned in index order. The next write gets {@code base + 1},
     * the durable index is {@code base} (readers of anything at or below it are told those entries
     * were deleted), and open readers that returned an entry fail as after a truncation.
     *
     * <p>Crash-safe in both halves: an open that finds the kept base at or after the journal's
     * first entry finishes the rebase ({@link JournalRecovery}), and the cut is as all-or-nothing
     * as any truncation.
     */
    List<JournalEntry> rebase(long base, long baseTerm, byte[] configuration) throws IOException {
        long last = writer.lastWrittenIndex();
        if (base < 1 || baseTerm < 1) {
            throw new IllegalArgumentException("a rebase needs a base index and term, not " + base + "@" + baseTerm);
        }
        if (durable.get() != last) {
            throw new IllegalStateException("entries up to " + last + " are written but only " + durable.get()
                    + " are durable; rebase between batches only");
        }
        RetainedBase kept = new RetainedBase(base, baseTerm, configuration, true);
        List<JournalEntry> dropped = new ArrayList<>();
        queue.writeLock().lock();
        try {
            if (queue.isClosed()) {
                throw new JournalUnavailableException("journal is closed");
            }
            kept.write(queue.directory());
            retention.rebased(kept);
            long first = queue.firstIndex();
            if (first > 0 && first <= last) {
                CutPoint cut = readFrom(first, last, dropped);
                writer.abandon();
                tailCut.cut(cut, first - 1);
                queue.forgetPositionsFrom(first);
                queue.neverWriteBeforeCycle(cut.cycle());
                readers.truncatedFrom(first);
            }
            queue.setFirstIndex(base + 1);
            writer.continueAfter(base, baseTerm, -1, 0);
            durable.reset(base, baseTerm);
        } finally {
            queue.writeLock().unlock();
        }
        if (!dropped.isEmpty()) {
            RemovedSegments.pruneTruncated(queue.directory(), keepTruncations);
        }
        return dropped;
    }

    /** Reads the entries {@code from..last} into {@code dropped} and returns where the first one is. */
    private CutPoint readFrom(long from, long last, List<JournalEntry> dropped) {
        RollCycle rollCycle = queue.rollCycle();
        long chronicleIndex = queue.chronicleIndexOf(from);
        CutPoint cut = null;
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (chronicleIndex < 0 || !tailer.moveToIndex(chronicleIndex)) {
                throw new IllegalStateException("entry " + from + " cannot be located in the journal");
            }
            for (long index = from; index <= last; index++) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        throw new IllegalStateException("entry " + index + " is durable but cannot be read");
                    }
                    JournalEntry entry = EntryFrame.decode(document.wire().bytes());
                    if (entry.index() != index) {
                        throw new CorruptJournalException("expected entry " + index + " but read " + entry.index());
                    }
                    if (cut == null) {
                        Path segment = tailer.currentFile().toPath();
                        cut = new CutPoint(rollCycle.toCycle(document.index()), rollCycle.toSequenceNumber(document.index()),
                                segment, CutPoint.TRUNCATED, "entry " + from + " (truncation)");
                    }
                    dropped.add(entry);
                }
            }
        }
        return cut;
    }

    /** Tells the writer where the journal now ends; returns the term of the last kept entry. */
    private long continueWriterAfter(long kept) {
        RetainedBase base = retention.base();
        if (queue.firstIndex() == 0 && kept > 0 && kept == base.index()) {
            // Emptied down to its base (a rebase's): it continues after it, as an open would.
            queue.setFirstIndex(kept + 1);
            writer.continueAfter(kept, base.term(), -1, 0);
            return base.term();
        }
        if (kept < 1 || queue.firstIndex() == 0) {
            writer.continueAfter(kept, 0, -1, 0);
            return 0;
        }
        RollCycle rollCycle = queue.rollCycle();
        try (ExcerptTailer tailer = queue.createTailer()) {
            long chronicleIndex = queue.chronicleIndexOf(kept);
            if (chronicleIndex < 0 || !tailer.moveToIndex(chronicleIndex)) {
                throw new IllegalStateException("entry " + kept + " was kept but cannot be located in the journal");
            }
            try (DocumentContext document = tailer.readingDocument()) {
                if (!document.isPresent()) {
                    throw new IllegalStateException("entry " + kept + " was kept but cannot be read");
                }
                Bytes<?> bytes = document.wire().bytes();
                long segmentBytes = bytes.readLimit();
                JournalEntry entry = EntryFrame.decode(bytes);
                writer.continueAfter(kept, entry.term(), rollCycle.toCycle(document.index()), segmentBytes);
                return entry.term();
            }
        }
    }

}
