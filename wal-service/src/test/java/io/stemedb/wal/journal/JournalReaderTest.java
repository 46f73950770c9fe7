package io.stemedb.wal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on its own, over the shared queue and the durable index. */
class JournalReaderTest {

    @TempDir
    Path dir;

    private JournalQueue queue;
    private SegmentWriter writer;
    private final DurableIndex durable = new DurableIndex(0);

    @BeforeEach
    void openQueue() {
        queue = new JournalQueue(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE);
        queue.open();
        writer = new SegmentWriter(queue, JournalEvents.NONE, 0);
    }

    @AfterEach
    void closeQueue() throws IOException {
        queue.markClosed();
        writer.closeAppender();
        queue.close();
        writer.closeSegmentFiles();
    }

    @Test
    void neverReturnsAnEntryAboveTheDurableIndex() throws IOException {
        // On disk, but only 1..4 published: 5..10 could still be taken back.
        writeAndForce(10);
        durable.advanceTo(4, 1);
        try (JournalReader reader = new JournalReader(queue, durable, 1)) {
            assertThat(drain(reader)).containsExactly(1L, 2L, 3L, 4L);
            assertThat(reader.nextIndex()).isEqualTo(5);

            durable.advanceTo(7, 1);
            assertThat(drain(reader)).containsExactly(5L, 6L, 7L);
        }
        try (JournalReader ahead = new JournalReader(queue, durable, 9)) {
            assertThat(ahead.next()).isNull();
            assertThat(ahead.nextIndex()).as("a reader waiting ahead keeps its place").isEqualTo(9);
        }
    }

    @Test
    void fromZeroStartsAtTheFirstEntryOnceOneIsDurable() throws IOException {
        try (JournalReader reader = new JournalReader(queue, durable, 0)) {
            assertThat(reader.next()).isNull();
            writeAndForce(3);
            assertThat(reader.next()).as("written, not yet durable").isNull();
            durable.advanceTo(3, 1);
            assertThat(drain(reader)).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void findsItsPlaceAgainWhenTheQueueIsReplaced() throws IOException {
        writeAndForce(6);
        durable.advanceTo(6, 1);
        try (JournalReader reader = new JournalReader(queue, durable, 1)) {
            assertThat(reader.next().index()).isEqualTo(1);
            assertThat(reader.next().index()).isEqualTo(2);

            long before = queue.generation();
            queue.writeLock().lock();
            try {
                writer.abandon();
                queue.replaceAfterFailure();
            } finally {
                queue.writeLock().unlock();
            }
            assertThat(queue.generation()).isNotEqualTo(before);

            assertThat(drain(reader)).as("the old tailer belonged to the closed queue").containsExactly(3L, 4L, 5L, 6L);
        }
    }

    private void writeAndForce(long through) throws IOException {
        for (long index = writer.lastWrittenIndex() + 1; index <= through; index++) {
            writer.write(new EntryToWrite(1, 1, ("entry-" + index).getBytes(StandardCharsets.UTF_8)));
        }
        writer.force();
    }

    private static List<Long> drain(JournalReader reader) {
        List<Long> indexes = new ArrayList<>();
        for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
            indexes.add(entry.index());
        }
        return indexes;
    }
}
