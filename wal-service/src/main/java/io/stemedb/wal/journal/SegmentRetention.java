package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.queue.ExcerptTailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes whole segments from the old end of the journal. A segment goes only when every entry in
 * it is below what the caller still needs, oldest first, and the newest segment always stays: it
 * is the one being written.
 *
 * <p>Runs on the retention thread, under the {@linkplain JournalQueue#writeLock() write lock}, so
 * no reader is inside a segment while it goes and the failure rebuild cannot run at the same time.
 * The writer thread does not take that lock; it only ever writes the newest segment, which stays.
 */
final class SegmentRetention {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    private final JournalQueue queue;

    SegmentRetention(JournalQueue queue) {
        this.queue = queue;
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
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < deletable; i++) {
                // Indexes have no gaps, so a cycle ends just before the next one starts.
                long lastOfCycle = cycles.get(i + 1).getKey() - 1;
                if (lastOfCycle >= keepFrom) {
                    break;
                }
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
