package io.stemedb.wal.tools;

import io.stemedb.wal.journal.CorruptEntryException;
import io.stemedb.wal.journal.EntryFrame;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.SegmentCopy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;

/**
 * Offline checks and repairs of journal segment files, for operators ({@code stemedb wal-verify},
 * {@code stemedb wal-repair}). They never touch the file they are given: Chronicle may write to a
 * segment it opens (end-of-file markers, header recovery), so each works on a private copy.
 */
public final class SegmentTools {

    private static final String SEGMENT_SUFFIX = ".cq4";

    private SegmentTools() {}

    /** Verifies one segment file, or every segment file in a directory in order. */
    public static List<SegmentReport> verify(Path fileOrDirectory, RollCycle rollCycle) throws IOException {
        List<SegmentReport> reports = new ArrayList<>();
        if (Files.isDirectory(fileOrDirectory)) {
            try (Stream<Path> files = Files.list(fileOrDirectory)) {
                for (Path segment : files.filter(file -> file.getFileName().toString().endsWith(SEGMENT_SUFFIX))
                        .sorted().toList()) {
                    reports.add(verifySegment(segment, rollCycle));
                }
            }
            checkContinuity(reports);
        } else {
            reports.add(verifySegment(fileOrDirectory, rollCycle));
        }
        return reports;
    }

    /** Entries must continue from one segment to the next without a gap. */
    private static void checkContinuity(List<SegmentReport> reports) {
        for (int i = 1; i < reports.size(); i++) {
            SegmentReport previous = reports.get(i - 1);
            SegmentReport current = reports.get(i);
            if (previous.intact() && current.intact() && previous.lastIndex() != 0 && current.firstIndex() != 0
                    && current.firstIndex() != previous.lastIndex() + 1) {
                reports.set(i, new SegmentReport(current.file(), current.documents(), current.firstIndex(),
                        current.lastIndex(), 0, "starts at entry " + current.firstIndex() + " but "
                        + previous.file().getFileName() + " ends at entry " + previous.lastIndex()));
            }
        }
    }

    static SegmentReport verifySegment(Path segment, RollCycle rollCycle) throws IOException {
        try (PrivateCopy copy = PrivateCopy.of(segment, rollCycle)) {
            long documents = 0;
            long first = 0;
            long last = 0;
            long contentEnd = -1;
            try (ExcerptTailer tailer = copy.queue.createTailer()) {
                for (Document document = next(tailer); document != null; document = next(tailer)) {
                    JournalEntry entry;
                    try {
                        entry = EntryFrame.decode(document.frame());
                    } catch (CorruptEntryException e) {
                        return new SegmentReport(segment, documents, first, last, document.offset(),
                                "damaged entry after index " + last + ": " + e.getMessage());
                    }
                    if (last != 0 && entry.index() != last + 1) {
                        return new SegmentReport(segment, documents, first, last, document.offset(),
                                "index gap: entry " + entry.index() + " follows entry " + last);
                    }
                    if (first == 0) {
                        first = entry.index();
                    }
                    last = entry.index();
                    documents++;
                    contentEnd = document.offset() + Wires.SPB_HEADER_SIZE + document.frame().length;
                }
            }
            long torn = incompleteDocumentAfter(copy.file, contentEnd);
            if (torn >= 0) {
                return new SegmentReport(segment, documents, first, last, torn,
                        "incomplete document (a write cut short by a crash) after entry " + last);
            }
            return new SegmentReport(segment, documents, first, last, -1, null);
        }
    }

    /**
     * Looks at the header after the last complete document: Chronicle marks a document it is
     * still writing as not complete, so such a header at the end is a write a crash interrupted.
     */
    private static long incompleteDocumentAfter(Path file, long contentEnd) throws IOException {
        if (contentEnd < 0) {
            return -1;
        }
        long next = (contentEnd + 3) & ~3L;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (next + 4 > channel.size()) {
                return -1;
            }
            ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, next);
            int value = header.getInt(0);
            return value != 0 && Wires.isNotComplete(value) && !Wires.isEndOfFile(value) ? next : -1;
        }
    }

    /**
     * Writes to {@code output} a copy of {@code segment} that keeps every entry whose document
     * starts before {@code truncateAt} (as reported by {@link #verify}) and nothing after it.
     *
     * @return how many entries were kept and the last of them
     */
    public static SegmentReport repair(Path segment, Path output, long truncateAt, RollCycle rollCycle) throws IOException {
        if (Files.exists(output) && Files.isSameFile(segment, output)) {
            throw new IllegalArgumentException("--output must not be the segment being repaired");
        }
        try (PrivateCopy copy = PrivateCopy.of(segment, rollCycle)) {
            long keep = 0;
            long first = 0;
            long last = 0;
            int cycle = -1;
            try (ExcerptTailer tailer = copy.queue.createTailer()) {
                for (Document document = next(tailer); document != null && document.offset() < truncateAt;
                        document = next(tailer)) {
                    cycle = rollCycle.toCycle(document.chronicleIndex());
                    try {
                        last = EntryFrame.decode(document.frame()).index();
                    } catch (CorruptEntryException e) {
                        throw new IllegalArgumentException("the document at offset " + document.offset()
                                + " is damaged (" + e.getMessage() + "); truncate at or before it");
                    }
                    first = first == 0 ? last : first;
                    keep++;
                }
            }
            if (keep == 0) {
                throw new IllegalArgumentException("nothing would be kept before offset " + truncateAt
                        + "; move the segment aside instead of repairing it");
            }
            Path scratch = Files.createTempDirectory("stemedb-wal-repair");
            try {
                Path rebuilt = SegmentCopy.copyPrefix(copy.queue, cycle, keep, scratch.resolve("queue"));
                Files.copy(rebuilt, output, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(output, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            } finally {
                SegmentCopy.deleteRecursively(scratch);
            }
            return new SegmentReport(output, keep, first, last, -1, null);
        }
    }

    /** One Chronicle document: where its header starts in the file, its index, its bytes. */
    private record Document(long offset, long chronicleIndex, byte[] frame) {}

    /** The tailer's next document, or null at the end. */
    private static Document next(ExcerptTailer tailer) {
        try (DocumentContext document = tailer.readingDocument()) {
            if (!document.isPresent()) {
                return null;
            }
            Bytes<?> bytes = document.wire().bytes();
            long offset = bytes.readPosition() - Wires.SPB_HEADER_SIZE;
            byte[] frame = new byte[Math.toIntExact(bytes.readRemaining())];
            bytes.read(frame);
            return new Document(offset, document.index(), frame);
        }
    }

    /** A segment copied into a scratch queue directory under the name Chronicle expects. */
    private static final class PrivateCopy implements AutoCloseable {
        final Path directory;
        final Path file;
        final SingleChronicleQueue queue;

        private PrivateCopy(Path directory, Path file, SingleChronicleQueue queue) {
            this.directory = directory;
            this.file = file;
            this.queue = queue;
        }

        static PrivateCopy of(Path segment, RollCycle rollCycle) throws IOException {
            if (!Files.isRegularFile(segment)) {
                throw new IllegalArgumentException(segment + " is not a file");
            }
            String name = segment.getFileName().toString();
            int suffix = name.indexOf(SEGMENT_SUFFIX);
            if (suffix <= 0) {
                throw new IllegalArgumentException(segment + ": a segment's file name must begin with its cycle, as"
                        + " the wal-service wrote it (for example 20261126F.cq4, or 20261126F.cq4.corrupted)");
            }
            Path directory = Files.createTempDirectory("stemedb-wal-segment");
            try {
                Path copy = directory.resolve(name.substring(0, suffix) + SEGMENT_SUFFIX);
                Files.copy(segment, copy);
                SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory).rollCycle(rollCycle).build();
                return new PrivateCopy(directory, copy, queue);
            } catch (IOException | RuntimeException e) {
                SegmentCopy.deleteRecursively(directory);
                throw e;
            }
        }

        @Override
        public void close() {
            queue.close();
            try {
                SegmentCopy.deleteRecursively(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
