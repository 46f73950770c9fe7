package io.stemedb.wal.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

/** Finds and damages bytes in journal segment files, for corruption tests. */
public final class SegmentFiles {

    private SegmentFiles() {}

    public static List<Path> segments(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /** Byte offset of the only occurrence of {@code marker} in {@code file}. */
    public static long offsetOf(Path file, String marker) throws IOException {
        byte[] content = Files.readAllBytes(file);
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        long found = -1;
        outer:
        for (int i = 0; i + needle.length <= content.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (content[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (found >= 0) {
                throw new IllegalStateException(marker + " occurs more than once in " + file);
            }
            found = i;
        }
        if (found < 0) {
            throw new IllegalStateException(marker + " not found in " + file);
        }
        return found;
    }

    /** Flips the lowest bit of the byte at {@code offset}, through a plain write (not a mapping). */
    public static void flipBit(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.flip();
            byte flipped = (byte) (one.get(0) ^ 1);
            channel.write(ByteBuffer.wrap(new byte[] {flipped}), offset);
            channel.force(true);
        }
    }

    /** Zeroes every byte from {@code offset} to the end of the file, keeping its length. */
    public static void zeroFrom(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            for (long position = offset; position < size; position += zeros.capacity()) {
                zeros.clear();
                zeros.limit((int) Math.min(zeros.capacity(), size - position));
                channel.write(zeros, position);
            }
            channel.force(true);
        }
    }
}
