package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segment file a crash left before Chronicle wrote its first header: Chronicle creates the file
 * when it starts a segment (a rotation) and writes the header just after, so a kill in between
 * leaves a newest segment of zeros. It holds nothing, yet Chronicle takes a zero header for a
 * segment another process is still initializing and makes every tailer that reaches it wait for
 * its timeout (about 20 seconds) at each open and each cut, again and again. So the open deletes
 * it before the queue is built; only the newest segment can be one (a crash stops the writer), and
 * only a file whose first bytes are all zero is taken for one.
 */
final class UnstartedSegment {

    // Logged under the journal's name, like every line about this journal, so one logger
    // setting covers all of it.
    private static final Logger log = LoggerFactory.getLogger(ChronicleJournal.class);
    /** Chronicle writes its header and the segment's metadata at the start; none of it may be there. */
    private static final int CHECKED_BYTES = 64 * 1024;

    private UnstartedSegment() {}

    /** Deletes the newest segment of {@code directory} if it was never started; returns its name. */
    static Optional<String> removeFrom(Path directory) throws IOException {
        Optional<String> newest = JournalDirectory.newestSegmentName(directory);
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        Path segment = directory.resolve(newest.get());
        if (!allZero(segment)) {
            return Optional.empty();
        }
        Files.delete(segment);
        JournalDirectory.sync(directory);
        log.warn("journal {}: segment {} was created but never started (a crash while it was begun); it held no"
                + " entries and was deleted", directory, newest.get());
        return newest;
    }

    private static boolean allZero(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(CHECKED_BYTES, channel.size()));
            while (start.hasRemaining() && channel.read(start) >= 0) {
                // Read the whole prefix.
            }
            for (int i = 0; i < start.position(); i++) {
                if (start.get(i) != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
