package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what of the journal on disk is kept, at the open and after a failed write or fsync,
 * makes it durable, and hands the writer where to continue.
 *
 * <h2>At the open: the torn-tail rule</h2>
 * A damaged entry in the newest segment is a torn tail: the write it belonged to was never
 * acknowledged (an acknowledgement follows an fsync of everything before it), so with
 * {@code cutDamagedTail} the journal is cut before it ({@link TailCut}). Damage in an older
 * segment, or any damage when {@code cutDamagedTail} is false, stops the open: that is lost data,
 * not an interrupted write, and needs an operator (see {@code stemedb wal-verify}).
 *
 * <h2>After a failure: the rebuild</h2>
 * Nothing above the durable index was acknowledged, and after a failed fsync the state of those
 * pages (and of Chronicle's own metadata pages in the same segment) on disk is unknown: Linux may
 * have marked them clean without writing them. So the open queue is dropped, the newest segment is
 * rebuilt from the durable entries into a new file, fsynced and renamed into place, and the journal
 * continues from there.
 *
 * <h2>A cut a crash interrupted</h2>
 * Every cut leaves a {@link CutMarker} on disk while it moves files. When one is found (at the open,
 * or by the rebuild after a truncation failed half-way), the journal is cut from the marker's index
 * again, for the marker's reason, whatever else the scan would keep: the files may be anywhere
 * between the old layout and the new one, and finishing the cut is what makes it all-or-nothing.
 * If the durable index goes down doing so, open readers that returned a dropped entry are told.
 * A rebase that kept its base ({@link RetainedBase}) but had not begun its cut is finished the same
 * way: every entry at or below the base goes. A journal left empty continues after its base.
 *
 * <h2>Threads</h2>
 * {@link #recoverAtOpen()} runs on the opening thread before anyone else has the journal;
 * {@link #rebuildAfterFailure()} on the writer thread, under the write lock, so no reader touches
 * the queue while it is replaced.
 */
final class JournalRecovery {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    private final JournalQueue queue;
    private final SegmentWriter writer;
    private final DurableIndex durable;
    private final OpenReaders readers;
    private final TailCut tailCut;
    private final boolean cutDamagedTail;
    private final int keepTruncations;

    JournalRecovery(JournalQueue queue, SegmentWriter writer, DurableIndex durable, OpenReaders readers,
            TailCut tailCut, boolean cutDamagedTail, int keepTruncations) {
        this.queue = queue;
        this.writer = writer;
        this.durable = durable;
        this.readers = readers;
        this.tailCut = tailCut;
        this.cutDamagedTail = cutDamagedTail;
        this.keepTruncations = keepTruncations;
    }

    /**
     * Checks every entry, cuts a torn tail, and makes what remains durable before anyone can read
     * it: after a crash, entries the old process wrote but had not yet synced are still in the page
     * cache and would be served, so they must be on disk first.
     *
     * @throws CorruptJournalException if an entry is damaged and may not be cut
     */
    void recoverAtOpen() throws IOException {
        recover(Long.MAX_VALUE, false, true);
    }

    /**
     * Drops the writer's state and the open queue, rebuilds the newest segment from the durable
     * entries, and lets the writer continue after the durable index. On a full disk the rebuild
     * itself fails, and the next call tries again.
     *
     * @throws IOException if the disk still refuses; the journal stays unwritable
     */
    void rebuildAfterFailure() throws IOException {
        queue.writeLock().lock();
        try {
            if (queue.isClosed()) {
                throw new JournalUnavailableException("journal is closed");
            }
            writer.abandon();
            queue.replaceAfterFailure();
            recover(durable.get(), true, false);
        } catch (InternalError e) {
            // SIGBUS on a mapped page: the disk is still full.
            throw new IOException("the disk refused a write while rebuilding the journal: " + e.getMessage(), e);
        } finally {
            queue.writeLock().unlock();
        }
    }

    /**
     * Scans every entry, cuts the journal before the first damaged entry or the first entry above
     * {@code keepThrough}, and makes what remains durable.
     *
     * @param rewriteTail rebuild the segment holding the last kept entry even when nothing needs to
     *     be cut (after a failed fsync its Chronicle metadata pages cannot be trusted)
     * @param atOpen      the torn-tail rule applies to damage (at the open only: after a failure
     *     the damage is in what was never made durable)
     */
    private void recover(long keepThrough, boolean rewriteTail, boolean atOpen) throws IOException {
        Optional<CutMarker> interrupted = CutMarker.read(queue.directory());
        String beyondReason = CutPoint.NOT_DURABLE;
        if (interrupted.isPresent()) {
            keepThrough = Math.min(keepThrough, interrupted.get().fromIndex() - 1);
            beyondReason = interrupted.get().reason();
            log.warn("journal {}: a cut from entry {} ({}) was interrupted; finishing it", queue.directory(),
                    interrupted.get().fromIndex(), beyondReason);
        }
        RetainedBase base = RetainedBase.read(queue.directory());
        JournalScan scan = JournalScan.of(queue, keepThrough, beyondReason);
        if (interrupted.isEmpty() && base.rebased() && scan.firstIndex() > 0 && scan.firstIndex() <= base.index()) {
            // The rebase kept its base and stopped before its cut began: every entry goes.
            log.warn("journal {}: a rebase after entry {} was interrupted; finishing it", queue.directory(), base.index());
            keepThrough = scan.firstIndex() - 1;
            beyondReason = CutPoint.TRUNCATED;
            scan = JournalScan.of(queue, keepThrough, beyondReason);
        }
        CutPoint cut = scan.cut();
        if (cut == null && rewriteTail && scan.lastIndex() > 0) {
            cut = scan.cutAfterLastEntry(CutPoint.NOT_DURABLE, "rebuilding the newest segment after a write or fsync failure");
        }
        if (cut != null) {
            if (cut.reason().equals(CutPoint.DAMAGED) && atOpen) {
                refuseUnlessTornTail(cut);
            }
            tailCut.cut(cut, scan.lastIndex());
            scan = JournalScan.of(queue, keepThrough, beyondReason);
            if (scan.cut() != null) {
                throw new CorruptJournalException("the journal still has a bad entry after cutting it: " + scan.cut().detail());
            }
        } else if (interrupted.isPresent()) {
            // The interrupted cut had moved every file already; only its marker was left.
            CutMarker.delete(queue.directory());
        }
        long firstIndex = scan.firstIndex();
        long lastIndex = scan.lastIndex();
        long lastTerm = scan.lastTerm();
        if (lastIndex == 0 && base.index() > 0) {
            // Empty (a rebase, or a cut after retention): the journal continues after its base.
            firstIndex = base.index() + 1;
            lastIndex = base.index();
            lastTerm = base.term();
        }
        queue.setFirstIndex(firstIndex);
        writer.continueAfter(lastIndex, lastTerm, scan.lastCycle(), scan.lastCycleBytes());
        int newestCycle = queue.current().lastCycle();
        if (newestCycle >= 0) {
            // Never write into a segment older than the newest one, whatever the wall clock says.
            queue.neverWriteBeforeCycle(newestCycle);
        }
        forceEverythingOnDisk();
        JournalDirectory.newestSegmentName(queue.directory()).ifPresent(writer::showSegment);
        long before = durable.get();
        durable.reset(lastIndex, lastTerm);
        if (lastIndex < before) {
            // Only an interrupted truncation finished by a rebuild takes durable entries away.
            readers.truncatedFrom(lastIndex + 1);
        }
        if (CutPoint.TRUNCATED.equals(beyondReason)) {
            RemovedSegments.pruneTruncated(queue.directory(), keepTruncations);
        }
        log.info("journal {} recovered: entries {}..{}", queue.directory(), firstIndex, lastIndex);
    }

    private void refuseUnlessTornTail(CutPoint cut) throws IOException {
        String newest = JournalDirectory.newestSegmentName(queue.directory()).orElse("");
        if (!cutDamagedTail) {
            throw new CorruptJournalException(cut.detail() + "; stemedb.wal.recovery.cut-damaged-tail is false, so the"
                    + " journal is not cut; check it with 'stemedb wal-verify'");
        }
        if (!cut.segment().getFileName().toString().equals(newest)) {
            throw new CorruptJournalException(cut.detail() + "; the damage is not in the newest segment (" + newest
                    + "), so it is not an interrupted write but lost data; check it with 'stemedb wal-verify' and"
                    + " repair it with 'stemedb wal-repair' or restore it from a replica");
        }
    }

    /** Fsyncs every segment and Chronicle's metadata file, whoever wrote them, then the directory. */
    private void forceEverythingOnDisk() throws IOException {
        Path directory = queue.directory();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> JournalDirectory.isSegmentFile(path)
                    || path.getFileName().toString().equals(JournalDirectory.QUEUE_METADATA_FILE)).toList()) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        JournalDirectory.sync(directory);
    }
}
