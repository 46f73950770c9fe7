package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends entries to the newest segment, starts a new segment when Chronicle's cycle changes or the
 * current one is full, and makes what it wrote durable.
 *
 * <h2>Durability</h2>
 * Writing a document only dirties mapped pages. Chronicle's own {@code ExcerptAppender.sync()}
 * reaches {@code msync} only with {@code SyncMode.SYNC}, and when msync fails it logs and returns
 * normally (see the module README) — an acknowledgement built on it could lie. So {@link #force()}
 * calls {@link FileChannel#force(boolean) fdatasync} on every segment written since the last force,
 * on a descriptor opened before the writes (so a write-back error is reported to it), and fsyncs
 * the directory when a segment file was created. Only after that may an index be published as
 * durable.
 *
 * <h2>Threads</h2>
 * Everything here belongs to one thread, the group committer's: Chronicle appenders are
 * single-threaded. Recovery sets where to continue ({@link #continueAfter}) at the open, before
 * that thread starts, and in the failure rebuild, which runs on it; so does a truncation, on it. Only
 * {@link #currentSegmentName()} may be read from any thread. {@link #closeAppender()} and
 * {@link #closeSegmentFiles()} are for the close, once the writer thread has stopped.
 */
final class SegmentWriter {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);
    private static final int CHRONICLE_HEADER_BYTES = 4;

    private final JournalQueue queue;
    private final JournalEvents events;
    private final long maxSegmentBytes;
    private ExcerptAppender appender;
    private long lastIndex;
    private long lastTerm;
    private int writingCycle = -1;
    /** Bytes of entries in the segment being written (for rotation by size). */
    private long segmentBytes;
    /** The newest cycle found at recovery and the bytes of entries it held then. */
    private int recoveredCycle = -1;
    private long recoveredCycleBytes;
    private FileChannel writingSegment;
    private volatile String writingSegmentName = "none";
    private final List<FileChannel> segmentsToForceAndClose = new ArrayList<>();
    private boolean directoryNeedsSync;

    /** {@code maxSegmentBytes}: start a new segment once the current one holds this much; 0: by time only. */
    SegmentWriter(JournalQueue queue, JournalEvents events, long maxSegmentBytes) {
        this.queue = queue;
        this.events = events;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /**
     * Where recovery (or a truncation) left the journal: the next write gets {@code lastIndex + 1},
     * the entry at {@code lastIndex} has {@code lastTerm}, and if the next write lands in
     * {@code lastCycle}, that segment already holds {@code lastCycleBytes} of entries.
     */
    void continueAfter(long lastIndex, long lastTerm, int lastCycle, long lastCycleBytes) {
        this.lastIndex = lastIndex;
        this.lastTerm = lastTerm;
        this.recoveredCycle = lastCycle;
        this.recoveredCycleBytes = lastCycleBytes;
    }

    /** Reports {@code segmentName} as the segment in use until the first write opens one. */
    void showSegment(String segmentName) {
        writingSegmentName = segmentName;
    }

    /** Appends one entry, not yet durable, and returns its index. */
    long write(EntryToWrite entry) {
        if (queue.isClosed()) {
            throw new JournalUnavailableException("journal is closed");
        }
        if (appender == null) {
            appender = queue.current().createAppender();
        }
        long index = lastIndex + 1;
        byte[] frame = EntryFrame.encode(index, entry);
        try (DocumentContext document = appender.writingDocument()) {
            document.wire().bytes().write(frame);
        }
        long chronicleIndex = appender.lastIndexAppended();
        int cycle = queue.rollCycle().toCycle(chronicleIndex);
        if (cycle != writingCycle) {
            switchSegment(cycle);
            segmentBytes = cycle == recoveredCycle ? recoveredCycleBytes : 0;
        }
        segmentBytes += frame.length + CHRONICLE_HEADER_BYTES;
        if (maxSegmentBytes > 0 && segmentBytes >= maxSegmentBytes) {
            // The next write lands in the next cycle: a new segment.
            queue.neverWriteBeforeCycle(cycle + 1);
        }
        queue.recordPosition(index, chronicleIndex);
        if (queue.firstIndex() == 0) {
            queue.setFirstIndex(index);
        }
        lastIndex = index;
        lastTerm = entry.term();
        return index;
    }

    private void switchSegment(int cycle) {
        boolean rotation = writingCycle != -1;
        if (writingSegment != null) {
            segmentsToForceAndClose.add(writingSegment);
        }
        Path segment = appender.currentFile().toPath();
        try {
            // Opened now, before the writes are flushed, so that a write-back error on this file
            // is reported to this descriptor's fsync (Linux reports such errors to descriptors
            // that were open when they happened).
            writingSegment = FileChannel.open(segment, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new JournalUnavailableException("cannot open segment " + segment + " for fsync", e);
        }
        writingCycle = cycle;
        writingSegmentName = segment.getFileName().toString();
        directoryNeedsSync = true;
        events.segmentOpened(segment.getFileName().toString(), rotation);
    }

    /**
     * Makes every entry written so far durable: the segments finished since the last force first,
     * then the one being written, then the directory if a segment file was created.
     *
     * @throws IOException if the disk refuses: the entries since the last successful force must
     *     not be acknowledged, and the caller must not assume a retry flushes them (after a failed
     *     fsync Linux may already have dropped the dirty pages)
     */
    void force() throws IOException {
        for (FileChannel finished : segmentsToForceAndClose) {
            finished.force(false);
        }
        for (FileChannel finished : segmentsToForceAndClose) {
            finished.close();
        }
        segmentsToForceAndClose.clear();
        if (writingSegment != null) {
            writingSegment.force(false);
        }
        if (directoryNeedsSync) {
            JournalDirectory.sync(queue.directory());
            directoryNeedsSync = false;
        }
    }

    /** The index the next successful write will get, minus one. */
    long lastWrittenIndex() {
        return lastIndex;
    }

    /** The term of the entry at {@link #lastWrittenIndex()}, 0 if there is none. */
    long lastWrittenTerm() {
        return lastTerm;
    }

    /** File name of the segment being written (at start-up: the newest on disk), or "none". Any thread. */
    String currentSegmentName() {
        return writingSegmentName;
    }

    /**
     * Forgets the appender and the descriptors after a failed write or fsync (none of them can be
     * trusted, and none may be forced again), or before a truncation replaces the files they
     * belong to. Write lock held, by the failure rebuild or the truncation.
     */
    void abandon() {
        if (appender != null) {
            try {
                appender.close();
            } catch (RuntimeException | InternalError e) {
                log.debug("closing the failed appender: {}", e.toString());
            }
            appender = null;
        }
        for (FileChannel channel : segmentsToForceAndClose) {
            closeQuietly(channel);
        }
        segmentsToForceAndClose.clear();
        closeQuietly(writingSegment);
        writingSegment = null;
        writingCycle = -1;
        directoryNeedsSync = false;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (Exception | InternalError e) {
            log.debug("closing {} after a failure: {}", channel, e.toString());
        }
    }

    /** At close, before the queue closes. Write lock held; the writer thread has stopped. */
    void closeAppender() {
        if (appender != null) {
            // The writer thread has stopped by now; let this thread close what it created.
            appender.singleThreadedCheckReset();
            appender.close();
        }
    }

    /** At close, after the queue closed. Write lock held; the writer thread has stopped. */
    void closeSegmentFiles() throws IOException {
        for (FileChannel channel : segmentsToForceAndClose) {
            channel.close();
        }
        if (writingSegment != null) {
            writingSegment.close();
        }
    }
}
