package io.stemedb.wal.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
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

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SingleChronicleQueue queue;
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
    private FileChannel writingSegment;
    private volatile String writingSegmentName = "none";
    private final List<FileChannel> segmentsToForceAndClose = new ArrayList<>();
    private boolean directoryNeedsSync;
    private volatile boolean closed;

    private ChronicleJournal(Path directory, FileChannel lockChannel, FileLock lock, SingleChronicleQueue queue,
            JournalEvents events) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.events = events;
        this.durable = new DurableIndex(0);
    }

    /**
     * Opens (creating if needed) the journal in {@code directory}, checks every entry, and makes
     * what it found durable before anyone can read it: after a crash, entries the old process wrote
     * but had not yet synced are still in the page cache and will be served, so they must be on
     * disk first.
     *
     * @throws CorruptJournalException if an entry is damaged or the indexes have a gap
     * @throws IllegalStateException if another process holds the journal
     */
    public static ChronicleJournal open(Path directory, RollCycle rollCycle, JournalEvents events) {
        return open(directory, rollCycle, events, SystemTimeProvider.INSTANCE);
    }

    /** As {@link #open(Path, RollCycle, JournalEvents)}, with Chronicle's clock injected (tests roll segments with it). */
    static ChronicleJournal open(Path directory, RollCycle rollCycle, JournalEvents events, TimeProvider time) {
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
            SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory)
                    .rollCycle(rollCycle)
                    .timeProvider(time)
                    .build();
            ChronicleJournal journal = new ChronicleJournal(directory, lockChannel, lock, queue, events);
            try {
                journal.recover();
            } catch (RuntimeException | IOException e) {
                journal.close();
                throw e;
            }
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + directory, e);
        }
    }

    private void recover() throws IOException {
        long expected = 0;
        long first = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext document = tailer.readingDocument()) {
                    if (!document.isPresent()) {
                        break;
                    }
                    long chronicleIndex = document.index();
                    JournalEntry entry;
                    try {
                        entry = EntryFrame.decode(readAll(document.wire().bytes()));
                    } catch (CorruptEntryException e) {
                        throw new CorruptJournalException("damaged entry after index " + (expected - 1) + " in segment "
                                + tailer.currentFile() + " (Chronicle index " + Long.toHexString(chronicleIndex)
                                + "): " + e.getMessage() + "; check it with 'stemedb wal-verify'", e);
                    }
                    if (expected != 0 && entry.index() != expected) {
                        throw new CorruptJournalException("index gap: expected entry " + expected + " but found "
                                + entry.index() + " in segment " + tailer.currentFile());
                    }
                    if (first == 0) {
                        first = entry.index();
                    }
                    recordPosition(entry.index(), chronicleIndex);
                    expected = entry.index() + 1;
                }
            }
        }
        this.firstIndex = first;
        this.lastIndex = expected == 0 ? 0 : expected - 1;
        forceEverythingOnDisk();
        latestSegmentOnDisk().ifPresent(name -> writingSegmentName = name);
        durable.advanceTo(lastIndex);
        log.info("journal {} recovered: entries {}..{}", directory, firstIndex, lastIndex);
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
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(SEGMENT_SUFFIX)
                    || path.getFileName().toString().endsWith(SEGMENT_SUFFIX + "t")).toList()) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
        syncDirectory();
    }

    private Optional<String> latestSegmentOnDisk() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(SEGMENT_SUFFIX))
                    .max(String::compareTo);
        }
    }

    private void syncDirectory() throws IOException {
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
        }
        recordPosition(index, chronicleIndex);
        if (firstIndex == 0) {
            firstIndex = index;
        }
        lastIndex = index;
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
            syncDirectory();
            directoryNeedsSync = false;
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
     * A reader of durable entries from {@code fromIndex} on (from the first entry when it is below
     * that). Use it from one thread at a time and close it.
     */
    public JournalReader openReader(long fromIndex) {
        return new JournalReader(this, Math.max(fromIndex, 1));
    }

    ExcerptTailer createTailer() {
        return queue.createTailer();
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
        }
    }
}
