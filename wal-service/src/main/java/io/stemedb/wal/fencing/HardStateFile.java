package io.stemedb.wal.fencing;

import io.stemedb.wal.journal.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The format of {@code wal.term}: the term on the first line, and when a vote is recorded, a
 * second line {@code voted_for=<candidate>}:
 * <pre>
 *   7
 *   voted_for=node-b
 * </pre>
 * A file of one line is a term without a vote; that is also the format written before votes were
 * kept, so existing data directories open unchanged (and a directory without a vote stays readable
 * by the older format's reader). The file is only ever replaced whole ({@link AtomicFile}), so
 * anything else in it means it was edited or the disk is damaged, and loading refuses it rather
 * than guess a term or a vote.
 */
final class HardStateFile {

    static final String FILE_NAME = "wal.term";
    private static final String VOTE_PREFIX = "voted_for=";

    private HardStateFile() {}

    static HardState read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return HardState.INITIAL;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.strip().split("\n", -1);
        try {
            long term = Long.parseLong(lines[0].strip());
            if (term < 0) {
                throw new NumberFormatException("negative term");
            }
            if (lines.length == 1) {
                return new HardState(term, "");
            }
            if (lines.length > 2 || !lines[1].startsWith(VOTE_PREFIX)) {
                throw new NumberFormatException("second line is not " + VOTE_PREFIX + "<candidate>");
            }
            return new HardState(term, lines[1].substring(VOTE_PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " does not hold a term and vote (" + e.getMessage()
                    + "); it is written atomically, so this file was edited or the disk is damaged", e);
        }
    }

    static void write(Path file, HardState state) throws IOException {
        String text = state.term() + "\n" + (state.hasVote() ? VOTE_PREFIX + state.votedFor() + "\n" : "");
        AtomicFile.replace(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code candidate} can be stored and read back as it is. */
    static boolean storable(String candidate) {
        return candidate.strip().equals(candidate)
                && candidate.chars().noneMatch(Character::isISOControl)
                && candidate.getBytes(StandardCharsets.UTF_8).length <= HardState.MAX_VOTED_FOR_BYTES;
    }
}
