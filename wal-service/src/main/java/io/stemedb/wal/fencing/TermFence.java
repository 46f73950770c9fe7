package io.stemedb.wal.fencing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;

/**
 * The highest term this wal-service has been fenced at, kept in {@code wal.term} next to the
 * journal. Appends from a lower term are refused: once an election has fenced the node at term T,
 * a primary of an older term can no longer get anything acknowledged here.
 *
 * <p>The file is replaced atomically (write a temporary file, fsync it, rename, fsync the
 * directory), so a crash leaves either the old or the new term, never a torn one, and a term
 * reported as fenced survives power loss.
 */
public final class TermFence {

    static final String FILE_NAME = "wal.term";

    private final Path file;
    private volatile long term;

    private TermFence(Path file, long term) {
        this.file = file;
        this.term = term;
    }

    /** Reads the fenced term of the journal in {@code directory}; 0 when it was never fenced. */
    public static TermFence load(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                return new TermFence(file, 0);
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                long term = Long.parseLong(text);
                if (term < 0) {
                    throw new NumberFormatException("negative");
                }
                return new TermFence(file, term);
            } catch (NumberFormatException e) {
                throw new IllegalStateException(file + " does not hold a term (" + e.getMessage()
                        + "); it is written atomically, so this file was edited or the disk is damaged", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public long current() {
        return term;
    }

    /** True when an entry of {@code entryTerm} may still be appended. */
    public boolean admits(long entryTerm) {
        return entryTerm >= term;
    }

    /**
     * Raises the fence to {@code newTerm} (no change when it is not higher) and returns only once
     * the new term is on disk.
     *
     * @return the fenced term after the call
     */
    public synchronized long raiseTo(long newTerm) throws IOException {
        if (newTerm <= term) {
            return term;
        }
        Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap((newTerm + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        }
        term = newTerm;
        return term;
    }
}
