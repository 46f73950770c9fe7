package io.stemedb.wal.journal;

import static io.stemedb.wal.journal.ChronicleJournalTest.readAll;
import static io.stemedb.wal.journal.ChronicleJournalTest.writeDurably;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.testing.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A metadata file a crash left half made does not keep the journal from opening: Chronicle would
 * retry its lock on it for 10 s and then refuse (seen with {@code kill -9} in the middle of cuts).
 */
class UnfinishedMetadataTest {

    @TempDir
    Path dir;

    @Test
    void aMetadataFileWhoseFirstHeaderWasNeverCompletedIsMadeAgain() throws IOException {
        writeAndClose(30);
        Path metadata = dir.resolve(JournalDirectory.QUEUE_METADATA_FILE);
        try (FileChannel channel = FileChannel.open(metadata, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(first, 0);
            int header = first.getInt(0);
            assertThat(header & UnstartedSegment.NOT_COMPLETE).as("a finished file's header is complete").isZero();
            first.clear();
            first.putInt(0, header | UnstartedSegment.NOT_COMPLETE);
            channel.write(first, 0);
        }
        SegmentFiles.zeroFrom(metadata, 64);

        opensAtOnceWithEveryEntry(30);
    }

    @Test
    void aMetadataFileOfZerosIsMadeAgain() throws IOException {
        writeAndClose(30);
        Path metadata = dir.resolve(JournalDirectory.QUEUE_METADATA_FILE);
        SegmentFiles.zeroFrom(metadata, 0);

        opensAtOnceWithEveryEntry(30);
    }

    @Test
    void anEmptyMetadataFileIsMadeAgain() throws IOException {
        writeAndClose(30);
        Files.write(dir.resolve(JournalDirectory.QUEUE_METADATA_FILE), new byte[0]);

        opensAtOnceWithEveryEntry(30);
    }

    @Test
    void anIntactMetadataFileIsKept() throws IOException {
        writeAndClose(30);
        Path metadata = dir.resolve(JournalDirectory.QUEUE_METADATA_FILE);
        Object before = Files.getAttribute(metadata, "unix:ino");

        opensAtOnceWithEveryEntry(30);
        assertThat(Files.getAttribute(metadata, "unix:ino")).as("the same file").isEqualTo(before);
    }

    private void opensAtOnceWithEveryEntry(long entries) throws IOException {
        long started = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .as("Chronicle retries its lock on a torn metadata file for 10 s").isLessThan(5);
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, entries).boxed().toList());
            writeDurably(journal, entries + 1, entries + 5);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThat(journal.durableIndex()).isEqualTo(entries + 5);
        }
    }

    private void writeAndClose(long entries) throws IOException {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            writeDurably(journal, 1, entries);
        }
    }
}
