package io.stemedb.wal.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntriesDeletedException;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));

    @Test
    void nothingIsDeletedUntilEveryRequiredConsumerHasReported() {
        RetentionFloors floors = new RetentionFloors(Set.of("index", "replica-b"));
        assertThat(floors.deletableBelow()).isEmpty();
        floors.report("index", 500);
        assertThat(floors.deletableBelow()).as("replica-b has not spoken").isEmpty();
        floors.report("replica-b", 300);
        assertThat(floors.deletableBelow()).hasValue(300);
        floors.report("replica-b", 100);
        assertThat(floors.deletableBelow()).as("floors never go down").hasValue(300);
        floors.report("replica-c", 250);
        assertThat(floors.deletableBelow()).as("any consumer that reported holds data back").hasValue(250);
    }

    @Test
    void segmentsBelowTheLowestFloorAreDeletedAndNeverTheNewest() throws Exception {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            JournalReader early = journal.openReader(55);
            assertThat(early.next().index()).isEqualTo(55);
            RetentionFloors floors = new RetentionFloors(Set.of("index"));
            RetentionTask task = new RetentionTask(journal, floors, 1, Duration.ZERO, new SimpleMeterRegistry());
            assertThat(task.runOnce()).as("the index has not reported").isEmpty();

            floors.report("index", 60);
            assertThat(task.runOnce()).hasSize(2);
            assertThat(journal.firstIndex()).isEqualTo(51);
            assertThat(segmentCount()).isEqualTo(2);
            assertThatThrownBy(() -> journal.openReader(40)).isInstanceOf(EntriesDeletedException.class)
                    .hasMessageContaining("starts at entry 51");
            assertThat(read(journal.openReader(0))).first().isEqualTo(51L);
            assertThat(early.next().index()).as("a reader past the deleted segments carries on").isEqualTo(56);
            early.close();

            floors.report("index", 1_000);
            assertThat(task.runOnce()).as("the newest segment always stays").hasSize(1);
            assertThat(journal.firstIndex()).isEqualTo(76);
            task.close();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, JournalEvents.NONE,
                now::get)) {
            assertThat(journal.firstIndex()).isEqualTo(76);
            assertThat(read(journal.openReader(0))).hasSize(25).last().isEqualTo(100L);
        }
    }

    private ChronicleJournal fourSegmentsOf25() throws IOException {
        ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, JournalEvents.NONE, now::get);
        for (long index = 1; index <= 100; index++) {
            journal.write(new EntryToWrite(1, 1, ("entry-" + index).getBytes(StandardCharsets.UTF_8)));
            if (index % 25 == 0) {
                journal.force();
                journal.publishDurable(index);
                now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            }
        }
        return journal;
    }

    private long segmentCount() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".cq4")).count();
        }
    }

    private static List<Long> read(JournalReader reader) {
        try (reader) {
            List<Long> indexes = new ArrayList<>();
            for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                indexes.add(entry.index());
            }
            return indexes;
        }
    }
}
