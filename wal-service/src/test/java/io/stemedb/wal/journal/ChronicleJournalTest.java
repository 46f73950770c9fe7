package io.stemedb.wal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleJournalTest {

    @TempDir
    Path dir;

    @Test
    void entriesSurviveCloseAndReopenInOrder() throws IOException {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            writeDurably(journal, 1, 100);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThat(journal.firstIndex()).isEqualTo(1);
            assertThat(journal.durableIndex()).isEqualTo(100);
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index)
                    .containsExactlyElementsOf(range(1, 100));
            assertThat(readAll(journal, 1).get(41).payload())
                    .isEqualTo("entry-42".getBytes(StandardCharsets.UTF_8));
            // Appending continues after the last recovered index.
            writeDurably(journal, 101, 110);
            assertThat(readAll(journal, 95)).extracting(JournalEntry::index)
                    .containsExactlyElementsOf(range(95, 110));
        }
    }

    @Test
    void readersNeverSeeEntriesThatAreNotYetDurable() throws IOException {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            writeDurably(journal, 1, 3);
            journal.write(entry(4));
            journal.write(entry(5));
            try (JournalReader reader = journal.openReader(1)) {
                assertThat(drain(reader)).extracting(JournalEntry::index).containsExactly(1L, 2L, 3L);
                journal.force();
                journal.publishDurable(5);
                assertThat(drain(reader)).extracting(JournalEntry::index).containsExactly(4L, 5L);
            }
        }
    }

    @Test
    void readsAcrossSegmentRotationsFromAnyIndex() throws IOException {
        AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
        List<String> opened = new ArrayList<>();
        JournalEvents events = new JournalEvents() {
            @Override
            public void segmentOpened(String segment, boolean rotation) {
                opened.add(segment + (rotation ? " rotation" : ""));
            }
        };
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get)) {
            long index = 1;
            for (int segment = 0; segment < 4; segment++) {
                writeDurably(journal, index, index + 24);
                index += 25;
                now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            }
            assertThat(opened).hasSize(4);
            assertThat(opened.subList(1, 4)).allMatch(name -> name.endsWith(" rotation"));
            for (long from : new long[] {1, 25, 26, 50, 51, 77, 100}) {
                assertThat(readAll(journal, from)).extracting(JournalEntry::index)
                        .as("from %d", from)
                        .containsExactlyElementsOf(range(from, 100));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(file -> file.toString().endsWith(".cq4"))).hasSize(4);
        }
        try (ChronicleJournal reopened = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, JournalEvents.NONE, now::get)) {
            assertThat(readAll(reopened, 60)).extracting(JournalEntry::index).containsExactlyElementsOf(range(60, 100));
        }
    }

    @Test
    void segmentsRotateBySizeAndNeverGoBackToAnOlderOne() throws IOException {
        AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
        List<String> rotations = new ArrayList<>();
        JournalEvents events = new JournalEvents() {
            @Override
            public void segmentOpened(String segment, boolean rotation) {
                if (rotation) {
                    rotations.add(segment);
                }
            }
        };
        JournalOptions options = new JournalOptions(RollCycles.FAST_DAILY, true, 2_000);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, options, events, now::get)) {
            // 100 frames of about 100 bytes: a new segment about every 19 entries.
            for (long index = 1; index <= 100; index++) {
                journal.write(new EntryToWrite(1, 1, ("entry-" + index + "-" + "x".repeat(60)).getBytes(StandardCharsets.UTF_8)));
            }
            journal.force();
            journal.publishDurable(100);
            assertThat(rotations).hasSizeBetween(4, 6);
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 100));
        }
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(file -> file.toString().endsWith(".cq4")).sorted().toList();
        }
        assertThat(segments).hasSize(rotations.size() + 1);
        // Size rotation moved the cycle ahead of the (frozen) wall clock; a reopen must keep
        // writing after the newest segment, not fall back to the wall clock's older one.
        try (ChronicleJournal journal = ChronicleJournal.open(dir, options, JournalEvents.NONE, now::get)) {
            writeDurably(journal, 101, 101);
            assertThat(journal.currentSegmentName()).isEqualTo(segments.get(segments.size() - 1).getFileName().toString());
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, options, JournalEvents.NONE, now::get)) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 101));
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThatThrownBy(() -> ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE))
                    .hasMessageContaining("in use");
        }
    }

    static void writeDurably(ChronicleJournal journal, long from, long to) throws IOException {
        for (long index = from; index <= to; index++) {
            assertThat(journal.write(entry(index))).isEqualTo(index);
        }
        journal.force();
        journal.publishDurable(to);
    }

    static EntryToWrite entry(long index) {
        return new EntryToWrite(1, 1, ("entry-" + index).getBytes(StandardCharsets.UTF_8));
    }

    static List<JournalEntry> readAll(ChronicleJournal journal, long from) {
        try (JournalReader reader = journal.openReader(from)) {
            return drain(reader);
        }
    }

    private static List<JournalEntry> drain(JournalReader reader) {
        List<JournalEntry> entries = new ArrayList<>();
        for (JournalEntry next = reader.next(); next != null; next = reader.next()) {
            entries.add(next);
        }
        return entries;
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long value = from; value <= to; value++) {
            values.add(value);
        }
        return values;
    }
}
