package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.InternalAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Writes a new segment file holding the first documents of one cycle of a queue, with their
 * original Chronicle indexes. This is how a tail is cut: Chronicle keeps its own write position
 * and index arrays inside each segment, so zeroing bytes in place would leave them pointing at
 * documents that no longer exist; a segment rebuilt by Chronicle's own appender is consistent by
 * construction.
 */
public final class SegmentCopy {

    private SegmentCopy() {}

    /**
     * Copies the documents of {@code cycle} whose sequence is below {@code keepBelowSequence} from
     * {@code source} into a fresh queue in {@code scratchDirectory} (which must not exist), fsyncs
     * the new segment file and returns it.
     */
    public static Path copyPrefix(SingleChronicleQueue source, int cycle, long keepBelowSequence,
            Path scratchDirectory) throws IOException {
        if (keepBelowSequence <= 0) {
            throw new IllegalArgumentException("nothing to copy");
        }
        RollCycle rollCycle = source.rollCycle();
        Files.createDirectories(scratchDirectory);
        try (SingleChronicleQueue copy = SingleChronicleQueueBuilder.binary(scratchDirectory)
                .rollCycle(rollCycle)
                .build();
                InternalAppender appender = (InternalAppender) copy.createAppender();
                ExcerptTailer tailer = source.createTailer()) {
            long first = rollCycle.toIndex(cycle, 0);
            if (!tailer.moveToIndex(first)) {
                throw new IOException("cycle " + cycle + " has no first document to copy");
            }
            for (long sequence = 0; sequence < keepBelowSequence; sequence++) {
                try (DocumentContext document = tailer.readingDocument()) {
                    long index = rollCycle.toIndex(cycle, sequence);
                    if (!document.isPresent() || document.index() != index) {
                        throw new IOException("expected document " + Long.toHexString(index) + " while copying cycle "
                                + cycle + ", found " + (document.isPresent() ? Long.toHexString(document.index()) : "none"));
                    }
                    Bytes<?> bytes = document.wire().bytes();
                    appender.writeBytes(index, bytes);
                }
            }
        }
        Path segment = onlySegmentIn(scratchDirectory);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        return segment;
    }

    private static Path onlySegmentIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(JournalDirectory::isSegmentFile)
                    .findFirst()
                    .orElseThrow(() -> new IOException("the rewritten segment is missing from " + directory));
        }
    }

    public static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
