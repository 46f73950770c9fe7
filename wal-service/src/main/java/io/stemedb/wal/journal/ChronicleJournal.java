package io.stemedb.wal.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log, stored in a Chronicle Queue: memory-mapped segment files ("cycles"), one
 * document per entry, framed by {@link EntryFrame}. This class owns the directory and wires the
 * parts that do the work: {@link JournalQueue} (the open queue shared by all of them),
 * {@link JournalRecovery} (what is kept at the open and after a failure), {@link SegmentWriter}
 * (appends, rotation, and the fsyncs an acknowledgement waits for), {@link JournalTruncation}
 * (a replica dropping its uncommitted suffix), {@link SegmentRetention}, {@link JournalReader},
 * {@link DurableIndex} and {@link CommitIndex}.
 *
 * <h2>Threads</h2>
 * {@link #write}, {@link #force}, {@link #lastWrittenIndex}, {@link #truncateFrom} and
 * {@link #recoverAfterFailure} belong to one thread, the group committer; Chronicle appenders are
 * single-threaded. The rebuild and the truncation hold the queue's write lock, so readers and
 * retention wait while the queue is replaced. Readers
 * ({@link #openReader}) may run on any thread each, concurrently; {@link #deleteSegmentsBelow} on
 * one retention thread; the rest on any thread. {@link #close} comes after the writer has stopped.
 *
 * <h2>Ownership</h2>
 * A lock file keeps a second process from opening the same directory; the OS drops the lock when
 * the owner dies, even by {@code kill -9}.
 */
public final class ChronicleJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final JournalQueue queue;
    private final DurableIndex durable = new DurableIndex(0);
    private final CommitIndex commit = new CommitIndex();
    private final OpenReaders readers = new OpenReaders();
    private final SegmentWriter writer;
    private final JournalRecovery recovery;
    private final JournalTruncation truncation;
    private final SegmentRetention retention;

    private ChronicleJournal(Path directory, FileChannel lockChannel, FileLock lock, JournalOptions options,
            TimeProvider wallClock, JournalEvents events) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.queue = new JournalQueue(directory, options.rollCycle(), wallClock);
        this.writer = new SegmentWriter(queue, events, options.maxSegmentBytes());
        TailCut tailCut = new TailCut(queue, events);
        this.recovery = new JournalRecovery(queue, writer, durable, readers, tailCut, options.cutDamagedTail(),
                options.keepTruncations());
        this.retention = new SegmentRetention(queue);
        this.truncation = new JournalTruncation(queue, writer, durable, readers, tailCut, retention,
                options.keepTruncations());
    }

    /**
     * Opens (creating if needed) the journal in {@code directory}, checks every entry, and makes
     * what it found durable before anyone can read it: after a crash, entries the old process wrote
     * but had not yet synced are still in the page cache and will be served, so they must be on
     * disk first.
     *
     * <p>A damaged entry in the newest segment is a torn tail, never acknowledged: with
     * {@code cutDamagedTail} the journal is cut before it, the original segment is kept in
     * {@code quarantine/}, and the event is logged and reported. Damage in an older segment, or
     * any damage when {@code cutDamagedTail} is false, stops the open (see {@link JournalRecovery}).
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
            FileChannel lockChannel = FileChannel.open(directory.resolve(JournalDirectory.LOCK_FILE),
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
                UnstartedSegment.removeFrom(directory);
                UnfinishedMetadata.removeFrom(directory);
                journal.queue.open();
                journal.recovery.recoverAtOpen();
                journal.retention.load();
            } catch (RuntimeException | IOException e) {
                journal.close();
                throw e;
            }
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + directory, e);
        }
    }

    /** Appends one entry, not yet durable, and returns its index. Writer thread only. */
    public long write(EntryToWrite entry) {
        return writer.write(entry);
    }

    /**
     * Makes every entry written so far durable. Writer thread only.
     *
     * @throws IOException if the disk refuses: the entries since the last successful force must
     *     not be acknowledged, and the caller must not assume a retry flushes them (after a failed
     *     fsync Linux may already have dropped the dirty pages)
     */
    public void force() throws IOException {
        writer.force();
    }

    /**
     * Brings the journal back after a failed write or fsync, without a restart, by rebuilding the
     * newest segment from the durable entries (see {@link JournalRecovery}); the entries written
     * since the last successful force are dropped. Writer thread only.
     *
     * @throws IOException if the disk still refuses; the journal stays unwritable
     */
    public void recoverAfterFailure() throws IOException {
        recovery.rebuildAfterFailure();
    }

    /**
     * Drops every entry from {@code fromIndex} on, durably, and returns them in index order (see
     * {@link JournalTruncation}): the durable index goes down to {@code fromIndex - 1}, the next
     * write gets {@code fromIndex}, and open readers that returned a dropped entry fail with
     * {@link JournalTruncatedException}. Writer thread only, with every written entry durable.
     *
     * @throws IOException if the disk refuses: the journal must be rebuilt
     *     ({@link #recoverAfterFailure}), which finishes the truncation if it had begun moving files
     */
    public List<JournalEntry> truncateFrom(long fromIndex) throws IOException {
        return truncation.truncateFrom(fromIndex);
    }

    /**
     * Continues the journal after entry {@code base} of {@code baseTerm}, which it does not hold,
     * with {@code configuration} (a configuration entry's payload; may be empty) in force there:
     * every entry it holds is dropped, durably, and returned in index order (see
     * {@link JournalTruncation#rebase}); the next write gets {@code base + 1}. A replica's consensus
     * does this when the primary no longer holds the entries it lacks. Writer thread only, with
     * every written entry durable.
     *
     * @throws IOException if the disk refuses: the journal must be rebuilt
     *     ({@link #recoverAfterFailure}), which finishes the rebase if it had kept its base
     */
    public List<JournalEntry> rebase(long base, long baseTerm, byte[] configuration) throws IOException {
        return truncation.rebase(base, baseTerm, configuration);
    }

    /**
     * Declares everything written, up to {@code index}, durable and wakes readers waiting for it.
     * Writer thread only, after a successful {@link #force()}.
     *
     * @throws IllegalArgumentException unless {@code index} is the last index written
     */
    public void publishDurable(long index) {
        if (index != writer.lastWrittenIndex()) {
            throw new IllegalArgumentException("publish the last written index (" + writer.lastWrittenIndex()
                    + "), not " + index);
        }
        durable.advanceTo(index, writer.lastWrittenTerm());
    }

    /** The index the next successful write will get, minus one. Writer thread only. */
    public long lastWrittenIndex() {
        return writer.lastWrittenIndex();
    }

    public long durableIndex() {
        return durable.get();
    }

    /** The last durable entry's index and term, read together. */
    public DurablePosition durablePosition() {
        return durable.position();
    }

    /**
     * Raises the commit index (never lowers it); committed-only readers return nothing above it.
     * Not durable: 0 after every open.
     *
     * @return the commit index after the call
     */
    public long raiseCommitIndex(long index) {
        return commit.raiseTo(index);
    }

    public long commitIndex() {
        return commit.get();
    }

    /**
     * The first index the journal holds, 0 while it is empty; after a rebase, the base's successor
     * even before it is written.
     */
    public long firstIndex() {
        return queue.firstIndex();
    }

    /**
     * The term of the entry just before {@link #firstIndex()}, when retention deleted it and kept
     * it ({@code retained-base}); 0 when unknown, or when the journal starts at entry 1 or is empty.
     */
    public long baseTerm() {
        return retention.baseTerm();
    }

    /**
     * The configuration entry payload in force at the entry just before {@link #firstIndex()}, as
     * retention or a rebase kept it; empty when unknown, when no configuration entry came before,
     * or when the journal starts at entry 1.
     */
    public byte[] baseConfiguration() {
        return retention.baseConfiguration();
    }

    /** Whether the entry just before {@link #firstIndex()} is a rebase's base (not one retention deleted). */
    public boolean baseRebased() {
        return retention.baseRebased();
    }

    /** File name of the segment being written (at start-up: the newest on disk), or "none". */
    public String currentSegmentName() {
        return writer.currentSegmentName();
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
        return openReader(fromIndex, false);
    }

    /**
     * As {@link #openReader(long)}; with {@code committedOnly} the reader also returns nothing
     * above the commit index.
     */
    public JournalReader openReader(long fromIndex, boolean committedOnly) {
        long firstIndex = queue.firstIndex();
        if (fromIndex > 0 && fromIndex < firstIndex) {
            throw new EntriesDeletedException(fromIndex, firstIndex);
        }
        return new JournalReader(queue, durable, committedOnly ? commit : null, readers, fromIndex);
    }

    /**
     * Deletes whole segments whose entries are all below {@code keepFrom}, except the newest
     * {@code keepNewest} segments (never fewer than one: the segment being written stays).
     * Retention thread.
     *
     * @return the file names deleted, oldest first
     */
    public List<String> deleteSegmentsBelow(long keepFrom, int keepNewest) throws IOException {
        return retention.deleteSegmentsBelow(keepFrom, keepNewest);
    }

    public boolean isClosed() {
        return queue.isClosed();
    }

    @Override
    public void close() {
        if (queue.isClosed()) {
            return;
        }
        queue.markClosed();
        durable.close();
        commit.close();
        queue.writeLock().lock();
        try {
            writer.closeAppender();
            queue.close();
            writer.closeSegmentFiles();
        } catch (IOException | RuntimeException e) {
            log.warn("closing journal {}: {}", directory, e.toString());
        } finally {
            // Whatever failed above, the directory is given up: another open in this process
            // (or the next process) must not find it locked by a journal that is gone.
            releaseLock();
            queue.writeLock().unlock();
        }
    }

    private void releaseLock() {
        try {
            lock.release();
        } catch (IOException e) {
            log.warn("releasing the lock of journal {}: {}", directory, e.toString());
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            log.warn("closing the lock file of journal {}: {}", directory, e.toString());
        }
    }
}
