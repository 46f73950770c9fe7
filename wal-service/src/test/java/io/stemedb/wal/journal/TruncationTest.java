package io.stemedb.wal.journal;

import static io.stemedb.wal.journal.ChronicleJournalTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.wal.testing.SegmentFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime truncation: four segments holding entries 1..25, 26..50, 51..75 and 76..100 (terms 1),
 * cut at various points, seen by readers, reopened, and cut again by an open that finds a cut a
 * crash interrupted.
 */
class TruncationTest {

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
    private final List<String> truncations = new ArrayList<>();
    private final JournalEvents events = new JournalEvents() {
        @Override
        public void truncated(long fromIndex, long entriesDropped) {
            truncations.add(fromIndex + " " + entriesDropped);
        }
    };

    @Test
    void cutsInsideASegmentAndMovesTheLaterOnesToTruncated() throws IOException {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            List<JournalEntry> dropped = journal.truncateFrom(60);
            assertThat(dropped).extracting(JournalEntry::index).containsExactlyElementsOf(range(60, 100));
            assertThat(dropped.get(0).payload()).isEqualTo(bytes("entry-60"));
            assertThat(journal.durableIndex()).isEqualTo(59);
            assertThat(journal.lastWrittenIndex()).isEqualTo(59);
            assertThat(truncations).containsExactly("60 41");
            assertThat(SegmentFiles.segments(dir)).hasSize(3);
            assertThat(files(JournalDirectory.TRUNCATED_DIRECTORY)).as("the cut original and the one after it").hasSize(2);
            assertThat(dir.resolve(JournalDirectory.QUARANTINE_DIRECTORY)).as("no damage").doesNotExist();
            assertThat(dir.resolve(JournalDirectory.CUT_MARKER_FILE)).doesNotExist();

            write(journal, 60, 64, 2, "new-");
            assertThat(readAll(journal, 55)).extracting(entry -> text(entry))
                    .containsExactly("entry-55", "entry-56", "entry-57", "entry-58", "entry-59", "new-60", "new-61",
                            "new-62", "new-63", "new-64");
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 64));
            assertThat(text(readAll(journal, 60).get(0))).isEqualTo("new-60");
            assertThat(journal.durablePosition()).isEqualTo(new DurablePosition(64, 2));
        }
    }

    @Test
    void cutsAtTheFirstEntryOfASegment() throws IOException {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            assertThat(journal.truncateFrom(51)).hasSize(50);
            assertThat(SegmentFiles.segments(dir)).hasSize(2);
            assertThat(journal.durablePosition()).isEqualTo(new DurablePosition(50, 1));
            write(journal, 51, 53, 2, "new-");
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 49)).extracting(entry -> text(entry))
                    .containsExactly("entry-49", "entry-50", "new-51", "new-52", "new-53");
        }
    }

    @Test
    void readersThatReturnedADroppedEntryFailAndTheOthersReadTheNewOnes() throws Exception {
        try (ChronicleJournal journal = fourSegmentsOf25();
                JournalReader past = journal.openReader(1);
                JournalReader before = journal.openReader(1);
                JournalReader ahead = journal.openReader(80)) {
            drainThrough(past, 70);
            drainThrough(before, 59);
            assertThat(ahead.nextIndex()).isEqualTo(80);

            journal.truncateFrom(60);

            assertThatThrownBy(past::next).isInstanceOf(JournalTruncatedException.class)
                    .hasMessageContaining("truncated at 60");
            assertThatThrownBy(() -> past.deliver(() -> {})).isInstanceOf(JournalTruncatedException.class);
            assertThat(before.next()).as("nothing past the cut yet").isNull();
            assertThat(ahead.next()).isNull();

            write(journal, 60, 85, 2, "new-");
            assertThat(text(before.next())).isEqualTo("new-60");
            assertThat(ahead.next()).as("it had returned nothing, so it reads the new entry 80")
                    .extracting(entry -> text(entry)).isEqualTo("new-80");
        }
    }

    /**
     * Repeated: the reader wakes when the durable index goes down, and on the first look after waking
     * it must already be told of the truncation, not find "nothing readable yet" (a race that
     * marking the readers after lowering the index lost now and then).
     */
    @RepeatedTest(25)
    void aReaderWaitingForMoreLearnsOfTheTruncationAtOnce() throws Exception {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
                try (JournalReader reader = journal.openReader(1)) {
                    drainThrough(reader, 100);
                    long started = System.nanoTime();
                    reader.awaitReadable(30, TimeUnit.SECONDS);
                    assertThatThrownBy(reader::next).isInstanceOf(JournalTruncatedException.class);
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            journal.truncateFrom(90);
            assertThat(waited.get(10, TimeUnit.SECONDS)).isLessThan(10_000);
        }
    }

    @Test
    void anOpenFinishesACutThatACrashInterrupted() throws IOException {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            assertThat(journal.durableIndex()).isEqualTo(100);
        }
        // As a crash leaves it after the marker and the first move: the newest segment is gone,
        // the one holding the cut is still whole.
        new CutMarker(60, CutPoint.TRUNCATED).write(dir);
        Path newest = SegmentFiles.segments(dir).get(3);
        Files.createDirectories(dir.resolve(JournalDirectory.TRUNCATED_DIRECTORY));
        Files.move(newest, dir.resolve(JournalDirectory.TRUNCATED_DIRECTORY).resolve(newest.getFileName() + ".1-1"));
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 59));
            assertThat(truncations).containsExactly("60 16");
            assertThat(dir.resolve(JournalDirectory.CUT_MARKER_FILE)).doesNotExist();
            write(journal, 60, 61, 2, "new-");
        }
        // The marker alone (the cut had finished): nothing is cut, the marker goes.
        new CutMarker(62, CutPoint.TRUNCATED).write(dir);
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 61));
            assertThat(dir.resolve(JournalDirectory.CUT_MARKER_FILE)).doesNotExist();
        }
    }

    @Test
    void anInterruptedTruncationDoesNotExcuseDamageBeforeIt() throws IOException {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            assertThat(journal.durableIndex()).isEqualTo(100);
        }
        Path oldest = SegmentFiles.segments(dir).get(0);
        SegmentFiles.flipBit(oldest, SegmentFiles.offsetOf(oldest, "entry-10") + 6);
        new CutMarker(60, CutPoint.TRUNCATED).write(dir);
        assertThatThrownBy(this::reopen).isInstanceOf(CorruptJournalException.class)
                .hasMessageContaining("not in the newest segment");
        assertThat(SegmentFiles.segments(dir)).as("nothing was cut").hasSize(4);
    }

    @Test
    void onlyTheNewestTruncationsAreKept() throws IOException {
        JournalOptions options = new JournalOptions(RollCycles.FIVE_MINUTELY, true, 0, 2);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, options, events, now::get)) {
            write(journal, 1, 30, 1, "entry-");
            for (int round = 0; round < 4; round++) {
                journal.truncateFrom(20 - round);
                write(journal, 20 - round, 30, 1, "round-" + round + "-");
            }
            assertThat(truncations).hasSize(4);
            assertThat(files(JournalDirectory.TRUNCATED_DIRECTORY)).hasSize(2);
            assertThat(readAll(journal, 16)).extracting(entry -> text(entry)).startsWith("entry-16", "round-3-17");
        }
    }

    @Test
    void retentionIsStillRightAfterATruncation() throws IOException {
        try (ChronicleJournal journal = fourSegmentsOf25()) {
            journal.truncateFrom(60);
            // The next write goes to a new cycle (the clock moved on), after the cut one.
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            write(journal, 60, 90, 2, "new-");
            assertThat(SegmentFiles.segments(dir)).hasSize(4);

            assertThat(journal.deleteSegmentsBelow(59, 1)).as("the cut segment holds 51..59; 59 is still needed").hasSize(2);
            assertThat(journal.firstIndex()).isEqualTo(51);
            assertThat(journal.deleteSegmentsBelow(Long.MAX_VALUE, 1)).hasSize(1);
            assertThat(journal.firstIndex()).isEqualTo(60);
            assertThat(readAll(journal, 0)).extracting(JournalEntry::index).containsExactlyElementsOf(range(60, 90));
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(journal.firstIndex()).isEqualTo(60);
            assertThat(readAll(journal, 0)).extracting(entry -> text(entry)).first().isEqualTo("new-60");
        }
    }

    private ChronicleJournal fourSegmentsOf25() throws IOException {
        ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get);
        for (long index = 1; index <= 100; index += 25) {
            write(journal, index, index + 24, 1, "entry-");
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
        }
        assertThat(SegmentFiles.segments(dir)).hasSize(4);
        return journal;
    }

    private ChronicleJournal reopen() {
        return ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get);
    }

    private static void write(ChronicleJournal journal, long from, long to, long term, String prefix) throws IOException {
        for (long index = from; index <= to; index++) {
            assertThat(journal.write(new EntryToWrite(term, 1, bytes(prefix + index)))).isEqualTo(index);
        }
        journal.force();
        journal.publishDurable(to);
    }

    private static void drainThrough(JournalReader reader, long index) {
        while (reader.nextIndex() <= index) {
            assertThat(reader.next()).isNotNull();
        }
    }

    private List<Path> files(String subdirectory) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(subdirectory))) {
            return files.toList();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(JournalEntry entry) {
        return new String(entry.payload(), StandardCharsets.UTF_8);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
