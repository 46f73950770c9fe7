package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the document at a {@link CutPoint} and everything after it. Whether a cut is allowed is
 * {@link JournalRecovery}'s decision; this only carries it out, durably.
 *
 * <p>The cut segment is rebuilt from the documents before the cut by Chronicle's own appender
 * ({@link SegmentCopy}: zeroing bytes in place would leave Chronicle's write position and index
 * arrays pointing at documents that no longer exist), fsynced, and renamed into place; the
 * original and every later segment move to {@code quarantine/}, kept for inspection and never
 * read again. Runs under the {@linkplain JournalQueue#writeLock() write lock}, or during the open.
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

    /** Cuts at {@code cut}, leaving the journal's entries through {@code keptThrough}, and reopens the queue. */
    void cut(CutPoint cut, long keptThrough) throws IOException {
        Path directory = queue.directory();
        Path scratch = directory.resolve(JournalDirectory.SCRATCH_DIRECTORY);
        SegmentCopy.deleteRecursively(scratch);
        Optional<Path> rebuilt = cut.sequence() == 0 ? Optional.empty()
                : Optional.of(SegmentCopy.copyPrefix(queue.current(), cut.cycle(), cut.sequence(), scratch));
        long documentsDropped = countDocumentsFrom(cut);
        queue.closeForCut();
        Path quarantine = Files.createDirectories(directory.resolve(JournalDirectory.QUARANTINE_DIRECTORY));
        String cutName = cut.segment().getFileName().toString();
        String stamp = "." + System.currentTimeMillis();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path segment : files.filter(JournalDirectory::isSegmentFile)
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
        Files.deleteIfExists(directory.resolve(JournalDirectory.QUEUE_METADATA_FILE));
        JournalDirectory.sync(quarantine);
        JournalDirectory.sync(directory);
        SegmentCopy.deleteRecursively(scratch);
        queue.reopen();
        log.warn("journal {} cut before {} (kept entries through {}, dropped {} documents); original segment kept in {}",
                directory, cut.detail(), keptThrough, documentsDropped, quarantine);
        events.tailCut(cutName, cut.reason(), keptThrough, documentsDropped);
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
