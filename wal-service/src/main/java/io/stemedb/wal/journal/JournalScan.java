package io.stemedb.wal.journal;

import java.nio.file.Path;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * One pass over every entry of the queue, in order: checks each frame and the continuity of the
 * indexes, records where each entry is, and stops at the first entry that must not be kept (its
 * {@link #cut()}).
 */
final class JournalScan {

    private long firstIndex;
    private long lastIndex;
    private long lastTerm;
    private int lastCycle = -1;
    private long lastSequence = -1;
    private Path lastSegment;
    /** Byte offset just past the last good entry in its segment. */
    private long lastCycleBytes;
    private CutPoint cut;

    private JournalScan() {}

    /**
     * Scans {@code queue}, replacing its recorded positions with those of the entries kept. The
     * scan stops at a damaged entry, an index gap, or the first entry above {@code keepThrough}
     * (a cut for {@code beyondReason}). Write lock held, or during the open.
     */
    static JournalScan of(JournalQueue queue, long keepThrough, String beyondReason) {
        queue.clearPositions();
        RollCycle rollCycle = queue.rollCycle();
        JournalScan scan = new JournalScan();
        long expected = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        break;
                    }
                    long chronicleIndex = document.index();
                    int cycle = rollCycle.toCycle(chronicleIndex);
                    long sequence = rollCycle.toSequenceNumber(chronicleIndex);
                    Path segment = tailer.currentFile().toPath();
                    if (scan.lastIndex > 0 ? scan.lastIndex >= keepThrough : keepThrough <= 0) {
                        // Everything from here on goes anyway: whether this document is intact
                        // does not matter (a truncation may cut through a torn tail).
                        scan.cut = new CutPoint(cycle, sequence, segment, beyondReason, "entries after "
                                + keepThrough + " go (" + beyondReason + ")");
                        break;
                    }
                    JournalEntry entry;
                    try {
                        entry = EntryFrame.decode(document.wire().bytes());
                    } catch (CorruptEntryException e) {
                        scan.cut = new CutPoint(cycle, sequence, segment, CutPoint.DAMAGED, "damaged entry after index "
                                + scan.lastIndex + " in segment " + segment + " (Chronicle index "
                                + Long.toHexString(chronicleIndex) + "): " + e.getMessage());
                        break;
                    }
                    if (expected != 0 && entry.index() != expected) {
                        scan.cut = new CutPoint(cycle, sequence, segment, CutPoint.DAMAGED, "index gap: expected entry "
                                + expected + " but found " + entry.index() + " in segment " + segment);
                        break;
                    }
                    if (entry.index() > keepThrough) {
                        scan.cut = new CutPoint(cycle, sequence, segment, beyondReason, "entry " + entry.index()
                                + " is above " + keepThrough + " (" + beyondReason + ")");
                        break;
                    }
                    if (scan.firstIndex == 0) {
                        scan.firstIndex = entry.index();
                    }
                    queue.recordPosition(entry.index(), chronicleIndex);
                    scan.lastIndex = entry.index();
                    scan.lastTerm = entry.term();
                    scan.lastCycle = cycle;
                    scan.lastSequence = sequence;
                    scan.lastSegment = segment;
                    scan.lastCycleBytes = document.wire().bytes().readLimit();
                    expected = entry.index() + 1;
                }
            }
        }
        return scan;
    }


    /** Where the journal must be cut, or null when every entry may be kept. */
    CutPoint cut() {
        return cut;
    }

    /** A cut of everything after the last kept entry, in the segment that holds it. */
    CutPoint cutAfterLastEntry(String reason, String detail) {
        return new CutPoint(lastCycle, lastSequence + 1, lastSegment, reason, detail);
    }

    /** The first entry kept, 0 if none. */
    long firstIndex() {
        return firstIndex;
    }

    /** The last entry kept, 0 if none. */
    long lastIndex() {
        return lastIndex;
    }

    /** The term of the last entry kept, 0 if none. */
    long lastTerm() {
        return lastTerm;
    }

    /** The cycle of the last entry kept, -1 if none. */
    int lastCycle() {
        return lastCycle;
    }

    /** Bytes of the last entry's segment up to the end of that entry. */
    long lastCycleBytes() {
        return lastCycleBytes;
    }
}
