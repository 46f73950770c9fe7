package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the document at a {@link CutPoint} and everything after it. Whether a cut is allowed is
 * the caller's decision ({@link JournalRecovery}, {@link JournalTruncation}); this only carries it
 * out, durably.
 *
 * <p>The cut segment is rebuilt from the documents before the cut by Chronicle's own appender
 * ({@link SegmentCopy}: zeroing bytes in place would leave Chronicle's write position and index
 * arrays pointing at documents that no longer exist), fsynced, and renamed into place; the
 * original and every later segment move to {@code quarantine/} (damage, never-durable entries) or
 * {@code truncated/} (a truncation), kept for inspection and never read again.
 *
 * <h2>Crash safety</h2>
 * Before the first file changes, a {@link CutMarker} is made durable; it goes only once the new
 * layout is. Every step in between leaves a directory an open can finish the cut from:
 * <ul>
 *   <li>Chronicle's metadata file is deleted first, so no crash leaves it describing segments
 *       that have moved (Chronicle rebuilds it from the segments present).</li>
 *   <li>Later segments move newest first, so the directory always holds a prefix of the old
 *       journal, never one with a hole.</li>
 *   <li>The cut segment's original gets a second name in the destination (a hard link: no copy,
 *       no space needed on a full disk) before the rebuilt prefix is renamed over it, so the kept
 *       entries of that segment are under its name at every instant.</li>
 * </ul>
 * Runs under the {@linkplain JournalQueue#writeLock() write lock}, or during the open.
 */
final class TailCut {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    private final JournalQueue queue;
    private final JournalEvents events;

    TailCut(JournalQueue queue, JournalEvents events) {
        this.queue = queue;
        this.events = events;
    }

    /**
     * Cuts at {@code cut}, leaving the journal's entries through {@code keptThrough}, reopens the
     * queue, and returns the number of documents removed.
     */
    long cut(CutPoint cut, long keptThrough) throws IOException {
        Path directory = queue.directory();
        Path scratch = directory.resolve(JournalDirectory.SCRATCH_DIRECTORY);
        SegmentCopy.deleteRecursively(scratch);
        Optional<Path> rebuilt = cut.sequence() == 0 ? Optional.empty()
                : Optional.of(SegmentCopy.copyPrefix(queue.current(), cut.cycle(), cut.sequence(), scratch));
        long documentsDropped = countDocumentsFrom(cut);
        events.cutReached("copied");
        new CutMarker(keptThrough + 1, cut.reason()).write(directory);
        events.cutReached("marked");
        queue.closeForCut();
        Files.deleteIfExists(directory.resolve(JournalDirectory.QUEUE_METADATA_FILE));
        events.cutReached("unlisted");
        Path destination = Files.createDirectories(RemovedSegments.directoryFor(directory, cut.reason()));
        String suffix = RemovedSegments.newSuffix();
        String cutName = cut.segment().getFileName().toString();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path later : files.filter(JournalDirectory::isSegmentFile)
                    .filter(path -> path.getFileName().toString().compareTo(cutName) > 0)
                    .sorted(Comparator.reverseOrder())
                    .toList()) {
                Files.move(later, destination.resolve(later.getFileName() + suffix));
                events.cutReached("moved-later");
            }
        }
        Path original = directory.resolve(cutName);
        if (rebuilt.isPresent()) {
            keepOriginal(original, destination.resolve(cutName + suffix));
            // The second name must be durable before the rename takes the first one away.
            JournalDirectory.sync(destination);
            events.cutReached("kept-original");
            Files.move(rebuilt.get(), original, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.move(original, destination.resolve(cutName + suffix));
        }
        events.cutReached("replaced");
        JournalDirectory.sync(destination);
        JournalDirectory.sync(directory);
        events.cutReached("synced");
        SegmentCopy.deleteRecursively(scratch);
        queue.reopen();
        forceMetadata(directory);
        events.cutReached("reopened");
        CutMarker.delete(directory);
        events.cutReached("unmarked");
        report(cut, keptThrough, documentsDropped, destination);
        return documentsDropped;
    }

    /** A second name for the original segment: a hard link where the filesystem has them, else a copy. */
    private static void keepOriginal(Path original, Path kept) throws IOException {
        try {
            Files.createLink(kept, original);
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            Files.deleteIfExists(kept);
            Files.copy(original, kept);
            try (FileChannel channel = FileChannel.open(kept, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
    }

    /** The reopened queue created a new metadata file; it must not be torn after a power cut. */
    private static void forceMetadata(Path directory) throws IOException {
        Path metadata = directory.resolve(JournalDirectory.QUEUE_METADATA_FILE);
        if (Files.exists(metadata)) {
            try (FileChannel channel = FileChannel.open(metadata, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        JournalDirectory.sync(directory);
    }

    private void report(CutPoint cut, long keptThrough, long documentsDropped, Path destination) {
        String segment = cut.segment().getFileName().toString();
        if (CutPoint.TRUNCATED.equals(cut.reason())) {
            log.info("journal {} truncated from entry {} ({} entries dropped); the removed segments are in {}",
                    queue.directory(), keptThrough + 1, documentsDropped, destination);
            events.truncated(keptThrough + 1, documentsDropped);
            return;
        }
        log.warn("journal {} cut before {} (kept entries through {}, dropped {} documents); original segment kept in {}",
                queue.directory(), cut.detail(), keptThrough, documentsDropped, destination);
        events.tailCut(segment, cut.reason(), keptThrough, documentsDropped);
    }

    private long countDocumentsFrom(CutPoint cut) {
        long count = 0;
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(queue.rollCycle().toIndex(cut.cycle(), cut.sequence()))) {
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
}
