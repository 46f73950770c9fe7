package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chronicle's metadata file ({@code metadata.cq4t}) when a crash left it half made. It holds
 * nothing the segments do not (the roll cycle comes from the options, the listing of cycles from
 * the directory), and Chronicle makes a new one when it is missing; but one it finds torn — zeros,
 * or its first header still marked not complete, as when a kill lands while it is being created —
 * it takes for a file another process is still initializing and retries its lock for 10 s, then
 * refuses to open: the journal would never open again. A cut deletes the file and lets the reopened
 * queue create it, so an interrupted cut (its marker still there) is exactly when that can happen.
 * The open deletes such a file before the queue is built. Seen under {@code kill -9} of a writer in
 * the middle of cuts on a loaded machine.
 */
final class UnfinishedMetadata {

    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);

    private UnfinishedMetadata() {}

    /**
     * Deletes the metadata file of {@code directory} if a cut was interrupted (the cut deletes and
     * recreates it, so it may be half made) or if it was never finished.
     */
    static void removeFrom(Path directory) throws IOException {
        Path metadata = directory.resolve(JournalDirectory.QUEUE_METADATA_FILE);
        if (!Files.exists(metadata)) {
            return;
        }
        boolean cutInterrupted = CutMarker.read(directory).isPresent();
        if (!cutInterrupted && !UnstartedSegment.neverStarted(metadata)) {
            return;
        }
        Files.delete(metadata);
        JournalDirectory.sync(directory);
        log.warn("journal {}: {} deleted before the open ({}); Chronicle makes it again from the segments", directory,
                JournalDirectory.QUEUE_METADATA_FILE,
                cutInterrupted ? "a cut was interrupted while it is remade" : "a crash left it unfinished");
    }
}
