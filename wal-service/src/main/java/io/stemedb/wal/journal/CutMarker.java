package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The intent of a cut in progress, in {@code cut.pending}: "everything from index N on goes, for
 * this reason". It makes a cut all-or-nothing across a crash. It is on disk before the first
 * segment file is touched and removed only once the new layout is durable, so an open that finds
 * it knows the files may be anywhere between the old journal and the new one and finishes the cut
 * ({@link JournalRecovery}); an open that does not find it knows no cut was begun, or that the
 * last one is complete.
 *
 * @param fromIndex the first entry that goes
 * @param reason    a {@link CutPoint} reason; it decides where the removed segments go
 */
record CutMarker(long fromIndex, String reason) {

    static Optional<CutMarker> read(Path directory) throws IOException {
        Path file = directory.resolve(JournalDirectory.CUT_MARKER_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String[] fields = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
        try {
            if (fields.length != 2 || Long.parseLong(fields[0]) < 1) {
                throw new NumberFormatException("expected '<from index> <reason>'");
            }
            return Optional.of(new CutMarker(Long.parseLong(fields[0]), fields[1]));
        } catch (NumberFormatException e) {
            throw new CorruptJournalException(file + " does not describe a cut (" + e.getMessage()
                    + "); it is written atomically, so it was edited or the disk is damaged");
        }
    }

    void write(Path directory) throws IOException {
        AtomicFile.replace(directory.resolve(JournalDirectory.CUT_MARKER_FILE),
                (fromIndex + " " + reason + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    static void delete(Path directory) throws IOException {
        AtomicFile.delete(directory.resolve(JournalDirectory.CUT_MARKER_FILE));
    }
}
