package io.stemedb.wal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.testing.SegmentFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention on its own: four segments holding entries 1..25, 26..50, 51..75 and 76..100. */
class SegmentRetentionTest {

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
    private JournalQueue queue;
    private SegmentWriter writer;
    private SegmentRetention retention;
    private List<Path> segments;

    @BeforeEach
    void fourSegmentsOf25() throws IOException {
        queue = new JournalQueue(dir, RollCycles.FIVE_MINUTELY, now::get);
        queue.open();
        writer = new SegmentWriter(queue, JournalEvents.NONE, 0);
        retention = new SegmentRetention(queue);
        for (long index = 1; index <= 100; index++) {
            // Term 1 up to entry 40, term 2 after: the term of a base is the one of its own entry.
            // Entries 10 and 30 are configuration entries: a base keeps the last one at or before it.
            int type = index == 10 || index == 30 ? SegmentRetention.CONFIGURATION_ENTRY : 1;
            writer.write(new EntryToWrite(index <= 40 ? 1 : 2, type, ("entry-" + index).getBytes(StandardCharsets.UTF_8)));
            if (index % 25 == 0) {
                writer.force();
                now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            }
        }
        segments = SegmentFiles.segments(dir);
        assertThat(segments).hasSize(4);
    }

    @AfterEach
    void closeQueue() throws IOException {
        queue.markClosed();
        writer.closeAppender();
        queue.close();
        writer.closeSegmentFiles();
    }

    @Test
    void theLastEntryDeletedIsKeptWithItsTermAndConfigurationAcrossAnOpenAndAStaleOneIsNoBase() throws IOException {
        assertThat(retention.baseTerm()).as("nothing deleted yet").isZero();
        assertThat(retention.baseConfiguration()).isEmpty();
        retention.deleteSegmentsBelow(26, 1);
        assertThat(queue.firstIndex()).isEqualTo(26);
        assertThat(retention.baseTerm()).as("entry 25, of term 1").isEqualTo(1);
        assertThat(new String(retention.baseConfiguration(), StandardCharsets.UTF_8)).isEqualTo("entry-10");
        retention.deleteSegmentsBelow(51, 1);
        assertThat(retention.baseTerm()).as("entry 50, of term 2").isEqualTo(2);
        assertThat(RetainedBase.read(dir)).isEqualTo(new RetainedBase(50, 2, "entry-30".getBytes(StandardCharsets.UTF_8), false));
        retention.deleteSegmentsBelow(76, 1);
        assertThat(new String(retention.baseConfiguration(), StandardCharsets.UTF_8))
                .as("no configuration among 51..75: the one in force is carried on").isEqualTo("entry-30");

        SegmentRetention reopened = new SegmentRetention(queue);
        reopened.load();
        assertThat(reopened.baseTerm()).isEqualTo(2);
        assertThat(reopened.base().index()).isEqualTo(75);
        assertThat(new String(reopened.baseConfiguration(), StandardCharsets.UTF_8)).isEqualTo("entry-30");

        // A crash after the base was written and before its segments went: a base at or after
        // the journal's first entry says nothing about it.
        new RetainedBase(80, 2, new byte[0], false).write(dir);
        reopened.load();
        assertThat(reopened.baseTerm()).isZero();
        assertThat(reopened.baseConfiguration()).isEmpty();
    }

    @Test
    void neverDeletesTheNewestSegmentEvenWhenToldToKeepNone() throws IOException {
        assertThat(retention.deleteSegmentsBelow(Long.MAX_VALUE, 0)).containsExactly(names(0, 3));
        assertThat(SegmentFiles.segments(dir)).containsExactly(segments.get(3));
        assertThat(queue.firstIndex()).isEqualTo(76);
        assertThat(retention.deleteSegmentsBelow(Long.MAX_VALUE, 0)).isEmpty();
    }

    @Test
    void neverDeletesASegmentHoldingAnEntryAtOrAboveKeepFrom() throws IOException {
        assertThat(retention.deleteSegmentsBelow(25, 1)).as("entry 25 is still needed").isEmpty();
        assertThat(retention.deleteSegmentsBelow(50, 1)).containsExactly(names(0, 1));
        assertThat(queue.firstIndex()).isEqualTo(26);
        assertThat(retention.deleteSegmentsBelow(51, 1)).containsExactly(names(1, 2));
        assertThat(queue.firstIndex()).isEqualTo(51);
        assertThat(SegmentFiles.segments(dir)).containsExactly(segments.get(2), segments.get(3));
    }

    @Test
    void keepsTheNewestKeepNewestSegmentsWhateverKeepFromAllows() throws IOException {
        assertThat(retention.deleteSegmentsBelow(Long.MAX_VALUE, 3)).containsExactly(names(0, 1));
        assertThat(retention.deleteSegmentsBelow(Long.MAX_VALUE, 5)).isEmpty();
        assertThat(SegmentFiles.segments(dir)).containsExactlyElementsOf(segments.subList(1, 4));
    }

    @Test
    void deletesNothingOnceTheJournalIsClosed() throws IOException {
        queue.markClosed();
        assertThat(retention.deleteSegmentsBelow(Long.MAX_VALUE, 1)).isEmpty();
        assertThat(SegmentFiles.segments(dir)).hasSize(4);
    }

    /** File names of the segments {@code from} (inclusive) to {@code to} (exclusive), oldest first. */
    private String[] names(int from, int to) {
        return segments.subList(from, to).stream().map(path -> path.getFileName().toString()).toArray(String[]::new);
    }
}
