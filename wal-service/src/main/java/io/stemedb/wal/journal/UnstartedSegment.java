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
 * A segment file a crash left before Chronicle finished its first header: Chronicle creates the
 * file when it starts a segment (a rotation), writes the header marked not complete, the segment's
 * metadata, and then completes the header, so a kill in between leaves a newest segment of zeros or
 * one whose first header is still marked not complete. Either holds no entry (entries follow the
 * metadata), yet Chronicle takes it for a segment another process is still initializing and makes
 * every tailer that reaches it wait for its timeout (about 20 seconds) at each open and each cut,
 * again and again. So the open deletes it before the queue is built; only the newest segment can
 * be one (a crash stops the writer), and only a file whose first bytes are all zero, or whose first
 * header has Chronicle's not-complete bit, is taken for one: the same test Chronicle waits on.
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
        if (!neverStarted(segment)) {
            return Optional.empty();
        }
        Files.delete(segment);
        JournalDirectory.sync(directory);
        log.warn("journal {}: segment {} was created but never started (a crash while it was begun); it held no"
                + " entries and was deleted", directory, newest.get());
        return newest;
    }

    /** Chronicle's header bit for a header whose content is still being written ({@code Wires.NOT_COMPLETE}). */
    static final int NOT_COMPLETE = 0x8000_0000;

    /** Whether {@code file} is all zeros at its start or its first header is not complete (see above). */
    static boolean neverStarted(Path segment) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(CHECKED_BYTES, channel.size()))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            while (start.hasRemaining() && channel.read(start) >= 0) {
                // Read the whole prefix.
            }
            if (start.position() >= Integer.BYTES && (start.getInt(0) & NOT_COMPLETE) != 0) {
                return true;
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
