package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What lives in a journal directory: Chronicle's segment files ({@code *.cq4}) and its metadata
 * file, the ownership lock, the marker of a cut in progress, the quarantine of segments cut for
 * damage, the segments a truncation removed, and the scratch space a cut rebuilds a segment in.
 */
final class JournalDirectory {

    static final String LOCK_FILE = "wal.lock";
    static final String SEGMENT_SUFFIX = ".cq4";
    static final String QUEUE_METADATA_FILE = "metadata.cq4t";
    /** Segments removed by a cut of damaged or never-durable entries, kept for inspection and never read again. */
    static final String QUARANTINE_DIRECTORY = "quarantine";
    /** Segments removed by a replica's truncation: no damage, kept briefly and pruned ({@link RemovedSegments}). */
    static final String TRUNCATED_DIRECTORY = "truncated";
    /** A cut in progress ({@link CutMarker}). */
    static final String CUT_MARKER_FILE = "cut.pending";
    static final String SCRATCH_DIRECTORY = ".rewrite";

    private JournalDirectory() {}

    static boolean isSegmentFile(Path path) {
        return path.getFileName().toString().endsWith(SEGMENT_SUFFIX);
    }

    /** File name of the newest segment in {@code directory}, if it has any. */
    static Optional<String> newestSegmentName(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(SEGMENT_SUFFIX))
                    .max(String::compareTo);
        }
    }

    /**
     * Fsyncs the directory itself, which makes files created, moved or deleted in it durable: an
     * fsync of a file does not cover its directory entry.
     */
    static void sync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
