package io.stemedb.wal.journal;

import static io.stemedb.wal.journal.ChronicleJournalTest.entry;
import static io.stemedb.wal.journal.ChronicleJournalTest.readAll;
import static io.stemedb.wal.journal.ChronicleJournalTest.writeDurably;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.wal.testing.SegmentFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and not-durable tails are cut at the last good entry; damage elsewhere stops the open. */
class TailCutTest {

    @TempDir
    Path dir;

    private final List<String> cuts = new ArrayList<>();
    private final JournalEvents events = new JournalEvents() {
        @Override
        public void tailCut(String segmentName, String reason, long keptThroughIndex, long documentsDropped) {
            cuts.add(reason + " " + keptThroughIndex + " " + documentsDropped);
        }
    };

    @Test
    void aFlippedBitInTheNewestSegmentIsCutAtTheLastGoodEntry() throws IOException {
        writeAndClose(50);
        Path segment = SegmentFiles.segments(dir).get(0);
        SegmentFiles.flipBit(segment, SegmentFiles.offsetOf(segment, "entry-40") + 6);

        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, events)) {
            assertThat(journal.durableIndex()).isEqualTo(39);
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 39));
            assertThat(cuts).containsExactly("damaged 39 11");
            // The journal goes on from the cut, and the new entries survive a reopen.
            writeDurably(journal, 40, 45);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, events)) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 45));
        }
        try (Stream<Path> kept = Files.list(dir.resolve(JournalDirectory.QUARANTINE_DIRECTORY))) {
            assertThat(kept).as("the damaged original is kept for inspection").hasSize(1);
        }
    }

    @Test
    void aSegmentZeroedFromTheMiddleOfAnEntryIsCutBeforeIt() throws IOException {
        writeAndClose(50);
        Path segment = SegmentFiles.segments(dir).get(0);
        // As if the disk lost everything after a page boundary inside entry 30 in a power cut.
        SegmentFiles.zeroFrom(segment, SegmentFiles.offsetOf(segment, "entry-30") + 3);

        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, events)) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 29));
            writeDurably(journal, 30, 31);
            assertThat(readAll(journal, 28)).extracting(JournalEntry::index).containsExactly(28L, 29L, 30L, 31L);
        }
        assertThat(cuts).hasSize(1).allMatch(cut -> cut.startsWith("damaged 29 "));
    }

    @Test
    void damageInAnOlderSegmentIsLostDataAndStopsTheOpen() throws IOException {
        AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get)) {
            writeDurably(journal, 1, 20);
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            writeDurably(journal, 21, 40);
        }
        Path older = SegmentFiles.segments(dir).get(0);
        SegmentFiles.flipBit(older, SegmentFiles.offsetOf(older, "entry-10") + 6);

        assertThatThrownBy(() -> ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get))
                .isInstanceOf(CorruptJournalException.class)
                .hasMessageContaining("not in the newest segment")
                .hasMessageContaining("after index 9");
        assertThat(cuts).isEmpty();
    }

    @Test
    void withCuttingDisabledATornTailStopsTheOpen() throws IOException {
        writeAndClose(10);
        Path segment = SegmentFiles.segments(dir).get(0);
        SegmentFiles.flipBit(segment, SegmentFiles.offsetOf(segment, "entry-10") + 6);

        assertThatThrownBy(() -> ChronicleJournal.open(dir, RollCycles.FAST_DAILY, false, events))
                .isInstanceOf(CorruptJournalException.class)
                .hasMessageContaining("cut-damaged-tail is false");
    }

    @Test
    void afterAFailureEntriesThatWereNeverDurableAreDropped() throws IOException {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, events)) {
            writeDurably(journal, 1, 10);
            try (JournalReader reader = journal.openReader(1)) {
                assertThat(reader.next().index()).isEqualTo(1);
                // Written but never forced, as when the fsync that should follow fails.
                for (long index = 11; index <= 15; index++) {
                    journal.write(new EntryToWrite(1, 1, ("lost-" + index).getBytes(StandardCharsets.UTF_8)));
                }
                journal.recoverAfterFailure();

                assertThat(journal.lastWrittenIndex()).isEqualTo(10);
                assertThat(cuts).containsExactly("not_durable 10 5");
                // A reader that was open before the rebuild carries on where it was.
                assertThat(reader.next().index()).isEqualTo(2);
            }
            writeDurably(journal, 11, 12);
            assertThat(readAll(journal, 9)).extracting(entry -> new String(entry.payload(), StandardCharsets.UTF_8))
                    .containsExactly("entry-9", "entry-10", "entry-11", "entry-12");
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, events)) {
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 12));
        }
    }

    @Test
    void aNewestSegmentThatWasNeverStartedIsDeletedWithoutWaitingOnIt() throws IOException {
        AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get)) {
            writeDurably(journal, 1, 20);
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            writeDurably(journal, 21, 22);
        }
        // As a kill between Chronicle creating the next segment and writing its header leaves it.
        Path newest = SegmentFiles.segments(dir).get(1);
        SegmentFiles.zeroFrom(newest, 0);

        long started = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get)) {
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .as("Chronicle waits about 20 s on a header of zeros").isLessThan(10);
            assertThat(newest).doesNotExist();
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 20));
            writeDurably(journal, 21, 21);
        }
        assertThat(cuts).isEmpty();
    }

    @Test
    void aNewestSegmentWhoseFirstHeaderWasNeverCompletedIsDeletedWithoutWaitingOnIt() throws IOException {
        AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get)) {
            writeDurably(journal, 1, 20);
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            writeDurably(journal, 21, 22);
        }
        // As a kill after Chronicle wrote the header (marked not complete) and part of the metadata.
        Path newest = SegmentFiles.segments(dir).get(1);
        int header;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(newest,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer first = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            channel.read(first, 0);
            header = first.getInt(0);
            assertThat(header & UnstartedSegment.NOT_COMPLETE).as("a finished segment's header is complete").isZero();
            first.clear();
            first.putInt(0, header | UnstartedSegment.NOT_COMPLETE);
            channel.write(first, 0);
        }
        // Past the header, everything of the metadata after its first bytes was never written.
        SegmentFiles.zeroFrom(newest, 64);

        long started = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, events, now::get)) {
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .as("Chronicle waits about 20 s on a header not complete").isLessThan(10);
            assertThat(newest).doesNotExist();
            assertThat(readAll(journal, 1)).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 20));
            writeDurably(journal, 21, 21);
        }
        assertThat(cuts).isEmpty();
    }

    private void writeAndClose(long entries) throws IOException {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, events)) {
            writeDurably(journal, 1, entries);
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
