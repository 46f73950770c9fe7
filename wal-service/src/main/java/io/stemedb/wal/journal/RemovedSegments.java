package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where segments removed by a cut go, under which names, and how long those of truncations stay.
 *
 * <p>A cut for damage (or of never-durable entries after a failure) moves segments to
 * {@code quarantine/}: evidence of an incident, kept until an operator deletes it. A truncation
 * (a replica's consensus replacing its uncommitted suffix) is normal operation, so its segments go
 * to {@code truncated/} instead, and only the files of the newest few truncations are kept: each
 * holds a whole segment (up to {@code segment-max-size}), and a cluster with frequent leader
 * changes would otherwise fill the disk with them. The entries they dropped were also returned to
 * the caller.
 *
 * <p>Each cut's files share a suffix {@code .<millis>-<n>}, unique within the process (two cuts in
 * one millisecond must not collide) and ordered by time across restarts.
 */
final class RemovedSegments {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private RemovedSegments() {}

    static Path directoryFor(Path journalDirectory, String reason) {
        return journalDirectory.resolve(CutPoint.TRUNCATED.equals(reason)
                ? JournalDirectory.TRUNCATED_DIRECTORY : JournalDirectory.QUARANTINE_DIRECTORY);
    }

    /** A new suffix for the files of one cut. */
    static String newSuffix() {
        return "." + System.currentTimeMillis() + "-" + SEQUENCE.incrementAndGet();
    }

    /**
     * Deletes the files in {@code truncated/} of all but the newest {@code keep} truncations.
     *
     * @return the file names deleted
     */
    static List<String> pruneTruncated(Path journalDirectory, int keep) throws IOException {
        Path directory = journalDirectory.resolve(JournalDirectory.TRUNCATED_DIRECTORY);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        // Newest cut first: by time, then by the in-process sequence.
        TreeMap<Stamp, List<Path>> byCut = new TreeMap<>(Comparator.reverseOrder());
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Stamp stamp = Stamp.of(file.getFileName().toString());
                if (stamp != null) {
                    byCut.computeIfAbsent(stamp, any -> new ArrayList<>()).add(file);
                }
            }
        }
        List<String> deleted = new ArrayList<>();
        int newer = 0;
        for (List<Path> files : byCut.values()) {
            if (newer++ < keep) {
                continue;
            }
            for (Path file : files) {
                Files.deleteIfExists(file);
                deleted.add(file.getFileName().toString());
            }
        }
        if (!deleted.isEmpty()) {
            JournalDirectory.sync(directory);
        }
        return deleted;
    }

    /** The suffix of a removed segment's name. */
    private record Stamp(long millis, long sequence) implements Comparable<Stamp> {

        /** The stamp of {@code name}, or null if it is not a name this class gave. */
        static Stamp of(String name) {
            int dot = name.lastIndexOf('.');
            int dash = name.lastIndexOf('-');
            if (dot < 0 || dash < dot) {
                return null;
            }
            try {
                return new Stamp(Long.parseLong(name.substring(dot + 1, dash)), Long.parseLong(name.substring(dash + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public int compareTo(Stamp other) {
            int byTime = Long.compare(millis, other.millis);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
