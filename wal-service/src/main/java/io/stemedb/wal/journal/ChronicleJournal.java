package io.stemedb.wal.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log, stored in a Chronicle Queue: memory-mapped segment files ("cycles"), one
 * document per entry, framed by {@link EntryFrame}.
 *
 * <h2>Durability</h2>
 * Writing a document only dirties mapped pages. Chronicle's own {@code ExcerptAppender.sync()}
 * reaches {@code msync} only with {@code SyncMode.SYNC}, and when msync fails it logs and returns
 * normally (see the module README) — an acknowledgement built on it could lie. So {@link #force()}
 * calls {@link FileChannel#force(boolean) fdatasync} on every segment written since the last force,
 * on a descriptor opened before the writes (so a write-back error is reported to it), and fsyncs
 * the directory when a segment file was created. Only after that is an index published as durable.
 *
 * <h2>Threads</h2>
 * {@link #write} and {@link #force} belong to one thread, the group committer; Chronicle appenders
 * are single-threaded. Readers ({@link #openReader}) may run on any thread each, concurrently.
 *
 * <h2>Ownership</h2>
 * A lock file keeps a second process from opening the same directory; the OS drops the lock when
 * the owner dies, even by {@code kill -9}.
 */
public final class ChronicleJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);
    private static final String LOCK_FILE = "wal.lock";
    private static final String SEGMENT_SUFFIX = ".cq4";
    private static final int CHRONICLE_HEADER_BYTES = 4;
    private static final String QUEUE_METADATA_FILE = "metadata.cq4t";
    static final String QUARANTINE_DIRECTORY = "quarantine";
    private static final String SCRATCH_DIRECTORY = ".rewrite";

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SegmentClock clock;
    private final boolean cutDamagedTail;
    private final long maxSegmentBytes;
    /** Replaced when a tail is cut; readers hold {@link #queueLock} for reading while they use it. */
    private volatile SingleChronicleQueue queue;
    private final ReentrantReadWriteLock queueLock = new ReentrantReadWriteLock();
    private volatile long generation;
    private final RollCycle rollCycle;
    private final JournalEvents events;
    /** Log index that sequence 0 of a cycle has, for every cycle that holds entries. */
    private final NavigableMap<Long, Integer> cycleByBaseIndex = new ConcurrentSkipListMap<>();
    private final DurableIndex durable;
    private volatile long firstIndex;

    // Writer-thread state.
    private ExcerptAppender appender;
    private long lastIndex;
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
    private volatile boolean closed;

    private ChronicleJournal(Path directory, FileChannel lockChannel, FileLock lock, JournalOptions options,
            TimeProvider wallClock, JournalEvents events) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.rollCycle = options.rollCycle();
        this.clock = new SegmentClock(wallClock);
        this.cutDamagedTail = options.cutDamagedTail();
        this.maxSegmentBytes = options.maxSegmentBytes();
        this.events = events;
        this.durable = new DurableIndex(0);
    }

    private SingleChronicleQueue buildQueue() {
        return SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(rollCycle)
                .timeProvider(clock)
                .build();
    }

    /**
     * Opens (creating if needed) the journal in {@code directory}, checks every entry, and makes
     * what it found durable before anyone can read it: after a crash, entries the old process wrote
     * but had not yet synced are still in the page cache and will be served, so they must be on
     * disk first.
     *
     * <p>A damaged entry in the newest segment is a torn tail: the write it belonged to was never
     * acknowledged (an acknowledgement follows an fsync of everything before it), so with
     * {@code cutDamagedTail} the journal is cut before it, the original segment is kept in
     * {@code quarantine/}, and the event is logged and reported. Damage in an older segment, or
     * any damage when {@code cutDamagedTail} is false, stops the open: that is lost data, not an
     * interrupted write, and needs an operator (see {@code stemedb wal-verify}).
     *
     * @throws CorruptJournalException if an entry is damaged and may not be cut
     * @throws IllegalStateException if another process holds the journal
     */
    public static ChronicleJournal open(Path directory, RollCycle rollCycle, boolean cutDamagedTail,
            JournalEvents events) {
        return open(directory, new JournalOptions(rollCycle, cutDamagedTail, 0), events, SystemTimeProvider.INSTANCE);
    }

    /** As {@link #open(Path, RollCycle, boolean, JournalEvents)} with Chronicle's clock injected (tests roll segments with it). */
    public static ChronicleJournal open(Path directory, RollCycle rollCycle, boolean cutDamagedTail, JournalEvents events,
            TimeProvider time) {
        return open(directory, new JournalOptions(rollCycle, cutDamagedTail, 0), events, time);
    }

    /** Opens the journal with all options; {@code time} is the wall clock Chronicle rolls segments by. */
    public static ChronicleJournal open(Path directory, JournalOptions options, JournalEvents events, TimeProvider time) {
        try {
            Files.createDirectories(directory);
            FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                lockChannel.close();
                throw new IllegalStateException("journal " + directory + " is in use by another process");
            }
            ChronicleJournal journal = new ChronicleJournal(directory, lockChannel, lock, options, time, events);
            try {
                journal.queue = journal.buildQueue();
                journal.recover(Long.MAX_VALUE, false);
            } catch (RuntimeException | IOException e) {
                journal.close();
                throw e;
            }
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + directory, e);
        }
    }

    /**
     * Scans every entry, cuts the journal before the first damaged entry or the first entry above
     * {@code keepThrough}, and makes what remains durable.
     *
     * @param rewriteTail rebuild the segment holding the last kept entry even when nothing needs to
     *     be cut (after a failed fsync its Chronicle metadata pages cannot be trusted)
     */
    private void recover(long keepThrough, boolean rewriteTail) throws IOException {
        Scan scan = scan(keepThrough);
        CutPoint cut = scan.cut;
        if (cut == null && rewriteTail && scan.lastIndex > 0) {
            cut = new CutPoint(scan.lastCycle, scan.lastSequence + 1, scan.lastSegment, CutPoint.NOT_DURABLE,
                    "rebuilding the newest segment after a write or fsync failure");
        }
        if (cut != null) {
            if (cut.reason().equals(CutPoint.DAMAGED) && keepThrough == Long.MAX_VALUE) {
                refuseUnlessTornTail(cut);
            }
            cutAt(cut, scan.lastIndex);
            scan = scan(keepThrough);
            if (scan.cut != null) {
                throw new CorruptJournalException("the journal still has a bad entry after cutting it: " + scan.cut.detail());
            }
        }
        this.firstIndex = scan.firstIndex;
        this.lastIndex = scan.lastIndex;
        int newestCycle = queue.lastCycle();
        if (newestCycle >= 0) {
            // Never write into a segment older than the newest one, whatever the wall clock says.
            clock.raiseFloorTo(startOfCycle(newestCycle));
        }
        recoveredCycle = scan.lastCycle;
        recoveredCycleBytes = scan.lastCycleBytes;
        forceEverythingOnDisk();
        latestSegmentOnDisk().ifPresent(name -> writingSegmentName = name);
        durable.advanceTo(lastIndex);
        log.info("journal {} recovered: entries {}..{}", directory, firstIndex, lastIndex);
    }

    /** What a scan of the journal found. */
    private static final class Scan {
        long firstIndex;
        long lastIndex;
        int lastCycle = -1;
        long lastSequence = -1;
        Path lastSegment;
        /** Byte offset just past the last good entry in its segment. */
        long lastCycleBytes;
        CutPoint cut;
    }

    private Scan scan(long keepThrough) {
        cycleByBaseIndex.clear();
        Scan scan = new Scan();
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
                    JournalEntry entry;
                    try {
                        entry = EntryFrame.decode(readAll(document.wire().bytes()));
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
                        scan.cut = new CutPoint(cycle, sequence, segment, CutPoint.NOT_DURABLE, "entry " + entry.index()
                                + " was written but never made durable");
                        break;
                    }
                    if (scan.firstIndex == 0) {
                        scan.firstIndex = entry.index();
                    }
                    recordPosition(entry.index(), chronicleIndex);
                    scan.lastIndex = entry.index();
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

    private void refuseUnlessTornTail(CutPoint cut) throws IOException {
        String newest = latestSegmentOnDisk().orElse("");
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

    /**
     * Removes the document at the cut point and everything after it: the cut segment is rebuilt
     * with the documents before it, and it and every later segment are moved to
     * {@code quarantine/} (kept for inspection, never read again).
     */
    private void cutAt(CutPoint cut, long keptThrough) throws IOException {
        Path scratch = directory.resolve(SCRATCH_DIRECTORY);
        SegmentCopy.deleteRecursively(scratch);
        Optional<Path> rebuilt = cut.sequence() == 0 ? Optional.empty()
                : Optional.of(SegmentCopy.copyPrefix(queue, cut.cycle(), cut.sequence(), scratch));
        long documentsDropped = countDocumentsFrom(cut);
        queue.close();
        Path quarantine = Files.createDirectories(directory.resolve(QUARANTINE_DIRECTORY));
        String cutName = cut.segment().getFileName().toString();
        String stamp = "." + System.currentTimeMillis();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path segment : files.filter(ChronicleJournal::isSegmentFile)
                    .filter(path -> path.getFileName().toString().compareTo(cutName) >= 0)
                    .sorted()
                    .toList()) {
                Files.move(segment, quarantine.resolve(segment.getFileName() + stamp));
            }
        }
        if (rebuilt.isPresent()) {
            Files.move(rebuilt.get(), directory.resolve(cutName), StandardCopyOption.ATOMIC_MOVE);
        }
        // Chronicle's directory listing and write lock live here and describe the files just
        // moved; it rebuilds the file from the segments present on the next open.
        Files.deleteIfExists(directory.resolve(QUEUE_METADATA_FILE));
        syncDirectory(quarantine);
        syncDirectory(directory);
        SegmentCopy.deleteRecursively(scratch);
        queue = buildQueue();
        generation++;
        log.warn("journal {} cut before {} (kept entries through {}, dropped {} documents); original segment kept in {}",
                directory, cut.detail(), keptThrough, documentsDropped, quarantine);
        events.tailCut(cutName, cut.reason(), keptThrough, documentsDropped);
    }

    private long countDocumentsFrom(CutPoint cut) {
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(rollCycle.toIndex(cut.cycle(), cut.sequence()))) {
                return 0;
            }
            while (true) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        return count;
                    }
                    count++;
                }
            }
        }
    }

    static boolean isSegmentFile(Path path) {
        return path.getFileName().toString().endsWith(SEGMENT_SUFFIX);
    }

    private static byte[] readAll(Bytes<?> bytes) {
        byte[] frame = new byte[Math.toIntExact(bytes.readRemaining())];
        bytes.read(frame);
        return frame;
    }

    private void recordPosition(long index, long chronicleIndex) {
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

    private void forceEverythingOnDisk() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> isSegmentFile(path)
                    || path.getFileName().toString().equals(QUEUE_METADATA_FILE)).toList()) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        syncDirectory(directory);
    }

    private Optional<String> latestSegmentOnDisk() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(SEGMENT_SUFFIX))
                    .max(String::compareTo);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Appends one entry, not yet durable, and returns its index. Writer thread only. */
    public long write(EntryToWrite entry) {
        if (closed) {
            throw new JournalUnavailableException("journal is closed");
        }
        if (appender == null) {
            appender = queue.createAppender();
        }
        long index = lastIndex + 1;
        byte[] frame = EntryFrame.encode(index, entry);
        try (DocumentContext document = appender.writingDocument()) {
            document.wire().bytes().write(frame);
        }
        long chronicleIndex = appender.lastIndexAppended();
        int cycle = rollCycle.toCycle(chronicleIndex);
        if (cycle != writingCycle) {
            switchSegment(cycle);
            segmentBytes = cycle == recoveredCycle ? recoveredCycleBytes : 0;
        }
        segmentBytes += frame.length + CHRONICLE_HEADER_BYTES;
        if (maxSegmentBytes > 0 && segmentBytes >= maxSegmentBytes) {
            // The next write lands in the next cycle: a new segment.
            clock.raiseFloorTo(startOfCycle(cycle + 1));
        }
        recordPosition(index, chronicleIndex);
        if (firstIndex == 0) {
            firstIndex = index;
        }
        lastIndex = index;
        return index;
    }

    private long startOfCycle(int cycle) {
        return queue.epoch() + (long) cycle * rollCycle.lengthInMillis();
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
     * Makes every entry written so far durable. Writer thread only.
     *
     * @throws IOException if the disk refuses: the entries since the last successful force must
     *     not be acknowledged, and the caller must not assume a retry flushes them (after a failed
     *     fsync Linux may already have dropped the dirty pages)
     */
    public void force() throws IOException {
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
            syncDirectory(directory);
            directoryNeedsSync = false;
        }
    }

    /**
     * Brings the journal back after a failed write or fsync, without a restart. Writer thread only.
     *
     * <p>Nothing above the durable index was acknowledged, and after a failed fsync the state of
     * those pages (and of Chronicle's own metadata pages in the same segment) on disk is unknown:
     * Linux may have marked them clean without writing them. So the open queue is dropped, the
     * newest segment is rebuilt from the durable entries into a new file, fsynced and renamed into
     * place, and the journal continues from there. On a full disk the rebuild itself fails, and
     * the next call tries again.
     *
     * @throws IOException if the disk still refuses; the journal stays unwritable
     */
    public void recoverAfterFailure() throws IOException {
        queueLock.writeLock().lock();
        try {
            if (closed) {
                throw new JournalUnavailableException("journal is closed");
            }
            dropWriterState();
            closeQuietly(queue);
            queue = buildQueue();
            generation++;
            recover(durable.get(), true);
        } catch (InternalError e) {
            // SIGBUS on a mapped page: the disk is still full.
            throw new IOException("the disk refused a write while rebuilding the journal: " + e.getMessage(), e);
        } finally {
            queueLock.writeLock().unlock();
        }
    }

    private void dropWriterState() {
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

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception | InternalError e) {
            log.debug("closing {} after a failure: {}", closeable, e.toString());
        }
    }

    /** Declares everything up to {@code index} durable and wakes readers waiting for it. */
    public void publishDurable(long index) {
        durable.advanceTo(index);
    }

    /** The index the next successful write will get, minus one. Writer thread only. */
    public long lastWrittenIndex() {
        return lastIndex;
    }

    public long durableIndex() {
        return durable.get();
    }

    /** The first index the journal holds, 0 while it is empty. */
    public long firstIndex() {
        return firstIndex;
    }

    /** File name of the segment being written (at start-up: the newest on disk), or "none". */
    public String currentSegmentName() {
        return writingSegmentName;
    }

    public Path directory() {
        return directory;
    }

    /** Waits until the durable index reaches {@code atLeast}; false on timeout or close. */
    public boolean awaitDurable(long atLeast, long timeout, TimeUnit unit) throws InterruptedException {
        return durable.awaitAtLeast(atLeast, timeout, unit);
    }

    /**
     * A reader of durable entries from {@code fromIndex} on; 0 means from the oldest entry kept.
     * Use it from one thread at a time and close it.
     *
     * @throws EntriesDeletedException if retention has deleted {@code fromIndex}
     */
    public JournalReader openReader(long fromIndex) {
        if (fromIndex > 0 && fromIndex < firstIndex) {
            throw new EntriesDeletedException(fromIndex, firstIndex);
        }
        return new JournalReader(this, fromIndex);
    }

    /**
     * Deletes whole segments whose entries are all below {@code keepFrom}, except the newest
     * {@code keepNewest} segments (never fewer than one: the segment being written stays).
     *
     * @return the file names deleted, oldest first
     */
    public List<String> deleteSegmentsBelow(long keepFrom, int keepNewest) throws IOException {
        queueLock.writeLock().lock();
        try {
            if (closed) {
                return List.of();
            }
            List<Map.Entry<Long, Integer>> cycles = new ArrayList<>(cycleByBaseIndex.entrySet());
            int deletable = cycles.size() - Math.max(1, keepNewest);
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < deletable; i++) {
                long lastOfCycle = cycles.get(i + 1).getKey() - 1;
                if (lastOfCycle >= keepFrom) {
                    break;
                }
                Path segment = segmentFileOf(cycles.get(i).getValue());
                if (segment == null) {
                    break;
                }
                Files.deleteIfExists(segment);
                cycleByBaseIndex.remove(cycles.get(i).getKey());
                firstIndex = lastOfCycle + 1;
                deleted.add(segment.getFileName().toString());
            }
            if (!deleted.isEmpty()) {
                syncDirectory(directory);
                queue.refreshDirectoryListing();
                log.info("retention deleted segments {}; the journal now starts at entry {}", deleted, firstIndex);
            }
            return deleted;
        } finally {
            queueLock.writeLock().unlock();
        }
    }

    private Path segmentFileOf(int cycle) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(rollCycle.toIndex(cycle, 0))) {
                return null;
            }
            return tailer.currentFile().toPath();
        }
    }

    ExcerptTailer createTailer() {
        return queue.createTailer();
    }

    /** Changes whenever the queue is reopened after a cut; readers then recreate their tailers. */
    long generation() {
        return generation;
    }

    /** Held by readers while they touch a tailer, so the queue is not swapped underneath them. */
    ReentrantReadWriteLock.ReadLock readLock() {
        return queueLock.readLock();
    }

    /** Where entry {@code index} sits in Chronicle's numbering, or -1 if no cycle holds it. */
    long chronicleIndexOf(long index) {
        Map.Entry<Long, Integer> cycle = cycleByBaseIndex.floorEntry(index);
        if (cycle == null) {
            return -1;
        }
        return rollCycle.toIndex(cycle.getValue(), index - cycle.getKey());
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        durable.close();
        queueLock.writeLock().lock();
        try {
            if (appender != null) {
                // The writer thread has stopped by now; let this thread close what it created.
                appender.singleThreadedCheckReset();
                appender.close();
            }
            queue.close();
            for (FileChannel channel : segmentsToForceAndClose) {
                channel.close();
            }
            if (writingSegment != null) {
                writingSegment.close();
            }
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("closing journal {}: {}", directory, e.toString());
        } finally {
            queueLock.writeLock().unlock();
        }
    }
}
