package io.stemedb.wal.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalReader;
import io.stemedb.wal.testing.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentToolsTest {

    @TempDir
    Path dir;

    @TempDir
    Path elsewhere;

    @Test
    void aHealthyJournalVerifiesSegmentBySegment() throws IOException {
        AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, JournalEvents.NONE,
                now::get)) {
            write(journal, 1, 30);
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            write(journal, 31, 75);
        }
        List<SegmentReport> reports = SegmentTools.verify(dir, RollCycles.FIVE_MINUTELY);
        assertThat(reports).hasSize(2).allMatch(SegmentReport::intact);
        assertThat(reports.get(0).lastIndex()).isEqualTo(30);
        assertThat(reports.get(1).firstIndex()).isEqualTo(31);
        assertThat(reports.get(1).documents()).isEqualTo(45);
    }

    @Test
    void aFlippedBitIsReportedAtItsDocumentAndRepairKeepsEverythingBefore() throws IOException {
        writeJournal(50);
        Path segment = SegmentFiles.segments(dir).get(0);
        long before = SegmentFiles.offsetOf(segment, "payload-39");
        long damage = SegmentFiles.offsetOf(segment, "payload-40") + 4;
        SegmentFiles.flipBit(segment, damage);

        SegmentReport report = SegmentTools.verify(segment, RollCycles.FAST_DAILY).get(0);
        assertThat(report.intact()).isFalse();
        assertThat(report.problem()).contains("damaged entry after index 39").contains("CRC32C");
        assertThat(report.badOffset()).isGreaterThan(before).isLessThan(damage);
        assertThat(report.documents()).isEqualTo(39);

        // The runbook's procedure: move the segment aside, repair into its place, start again.
        Path corrupted = dir.resolve(segment.getFileName() + ".corrupted");
        Files.move(segment, corrupted);
        SegmentReport repaired = SegmentTools.repair(corrupted, segment, report.badOffset(), RollCycles.FAST_DAILY);
        assertThat(repaired.documents()).isEqualTo(39);
        assertThat(repaired.lastIndex()).isEqualTo(39);
        assertThat(SegmentTools.verify(segment, RollCycles.FAST_DAILY).get(0)).satisfies(result -> {
            assertThat(result.intact()).isTrue();
            assertThat(result.lastIndex()).isEqualTo(39);
        });
        Files.move(corrupted, elsewhere.resolve("kept"));
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, false, JournalEvents.NONE)) {
            assertThat(journal.durableIndex()).isEqualTo(39);
            write(journal, 40, 41);
            assertThat(indexes(journal)).hasSize(41).last().isEqualTo(41L);
        }
    }

    @Test
    void aSegmentZeroedInTheMiddleOfAnEntryIsReported() throws IOException {
        writeJournal(20);
        Path segment = SegmentFiles.segments(dir).get(0);
        SegmentFiles.zeroFrom(segment, SegmentFiles.offsetOf(segment, "payload-12") + 2);

        SegmentReport report = SegmentTools.verify(segment, RollCycles.FAST_DAILY).get(0);
        assertThat(report.intact()).isFalse();
        assertThat(report.lastIndex()).isEqualTo(11);
        assertThat(report.badOffset()).isLessThan(SegmentFiles.offsetOf(segment, "payload-11") + 100);
    }

    @Test
    void aSegmentFileTruncatedInTheMiddleOfAnEntryIsReportedAndCut() throws IOException {
        writeJournal(40);
        Path segment = SegmentFiles.segments(dir).get(0);
        long cut = SegmentFiles.offsetOf(segment, "payload-31") + 3;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(cut);
        }

        SegmentReport report = SegmentTools.verify(segment, RollCycles.FAST_DAILY).get(0);
        assertThat(report.intact()).isFalse();
        assertThat(report.lastIndex()).isEqualTo(30);
        assertThat(report.badOffset()).isLessThan(cut);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThat(indexes(journal)).hasSize(30);
            write(journal, 31, 32);
            assertThat(indexes(journal)).hasSize(32);
        }
    }

    @Test
    void aWriteCutShortByACrashIsReportedAndTheJournalStillOpens() throws IOException {
        writeJournal(10);
        Path segment = SegmentFiles.segments(dir).get(0);
        SegmentReport healthy = SegmentTools.verify(segment, RollCycles.FAST_DAILY).get(0);
        assertThat(healthy.intact()).isTrue();
        // What a process killed inside Chronicle's writingDocument() leaves: a header marked
        // "not complete" after the last document.
        long end = SegmentFiles.offsetOf(segment, "payload-10") + "payload-10".length() + 4;
        long header = (end + 3) & ~3L;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x80000020), header);
        }

        SegmentReport torn = SegmentTools.verify(segment, RollCycles.FAST_DAILY).get(0);
        assertThat(torn.problem()).contains("incomplete document");
        assertThat(torn.badOffset()).isEqualTo(header);
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThat(journal.durableIndex()).isEqualTo(10);
            write(journal, 11, 11);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            assertThat(indexes(journal)).hasSize(11).last().isEqualTo(11L);
        }
    }

    @Test
    void repairRefusesToWriteOverItsInputOrToKeepNothing() throws IOException {
        writeJournal(5);
        Path segment = SegmentFiles.segments(dir).get(0);
        assertThatThrownBy(() -> SegmentTools.repair(segment, segment, 1_000_000, RollCycles.FAST_DAILY))
                .hasMessageContaining("--output");
        assertThatThrownBy(() -> SegmentTools.repair(segment, elsewhere.resolve("out.cq4"), 0, RollCycles.FAST_DAILY))
                .hasMessageContaining("nothing would be kept");
    }

    private void writeJournal(long entries) {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            write(journal, 1, entries);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void write(ChronicleJournal journal, long from, long to) throws IOException {
        for (long index = from; index <= to; index++) {
            journal.write(new EntryToWrite(1, 1, ("payload-" + index).getBytes(StandardCharsets.UTF_8)));
        }
        journal.force();
        journal.publishDurable(to);
    }

    private static List<Long> indexes(ChronicleJournal journal) {
        List<Long> indexes = new ArrayList<>();
        try (JournalReader reader = journal.openReader(1)) {
            for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                indexes.add(entry.index());
            }
        }
        return indexes;
    }
}
