package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small files that must survive power loss whole: the fenced term and vote, the marker of a cut in
 * progress. A crash leaves either the old content or the new one, never a torn mix.
 */
public final class AtomicFile {

    private AtomicFile() {}

    /**
     * Replaces {@code file} with {@code content} and returns once the new content and its name are
     * on disk: write a temporary file, fsync it (else the rename could reach the disk before the
     * data, and a power cut would leave an empty file under the real name), rename it over the
     * file, fsync the directory (a file's fsync does not cover its directory entry).
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        // A temporary file left by an earlier failed attempt may hold pages whose write-back
        // failed; never reuse it.
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(content);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        JournalDirectory.sync(file.toAbsolutePath().getParent());
    }

    /** Deletes {@code file} if it exists and returns once its removal is on disk. */
    public static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            JournalDirectory.sync(file.toAbsolutePath().getParent());
        }
    }
}
