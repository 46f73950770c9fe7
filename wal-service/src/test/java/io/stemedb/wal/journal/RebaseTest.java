package io.stemedb.wal.journal;

import static io.stemedb.wal.journal.ChronicleJournalTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.proto.wal.EntryType;
import io.stemedb.wal.testing.SegmentFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebase: a replica's journal of entries 1..60 (three segments, term 1) told to continue after
 * entry 500 of term 3, which it never held. Everything goes, the base and its configuration are
 * kept across an open, the journal continues at 501, and a crash at either half is finished.
 */
class RebaseTest {

    private static final byte[] CONFIGURATION = "voters n1 n2 n3".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toMillis(20_000));

    @Test
    void dropsEveryEntryAndContinuesAfterTheBaseAcrossAnOpen() throws IOException {
        try (ChronicleJournal journal = threeSegmentsOf20()) {
            List<JournalEntry> dropped = journal.rebase(500, 3, CONFIGURATION);
            assertThat(dropped).extracting(JournalEntry::index).containsExactlyElementsOf(range(1, 60));
            assertThat(SegmentFiles.segments(dir)).isEmpty();
            assertThat(journal.firstIndex()).as("the base's successor, not yet written").isEqualTo(501);
            assertThat(journal.durablePosition()).isEqualTo(new DurablePosition(500, 3));
            assertThat(journal.lastWrittenIndex()).isEqualTo(500);
            assertThat(journal.baseTerm()).isEqualTo(3);
            assertThat(journal.baseConfiguration()).isEqualTo(CONFIGURATION);
            assertThat(journal.baseRebased()).isTrue();
            assertThatThrownBy(() -> journal.openReader(7)).as("entries at or before the base are gone")
                    .isInstanceOf(EntriesDeletedException.class);
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(journal.firstIndex()).as("an empty journal continues after its base").isEqualTo(501);
            assertThat(journal.durablePosition()).isEqualTo(new DurablePosition(500, 3));
            assertThat(journal.baseConfiguration()).isEqualTo(CONFIGURATION);
            write(journal, 501, 505, 3);
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 0)).extracting(JournalEntry::index).containsExactlyElementsOf(range(501, 505));
            assertThat(journal.baseTerm()).isEqualTo(3);
            assertThat(journal.baseRebased()).isTrue();
        }
    }

    @Test
    void aReaderOfTheOldEntriesIsToldAndANewOneReadsAfterTheBase() throws Exception {
        try (ChronicleJournal journal = threeSegmentsOf20();
                JournalReader past = journal.openReader(1);
                JournalReader waiting = journal.openReader(61)) {
            assertThat(past.next().index()).isEqualTo(1);
            journal.rebase(500, 3, CONFIGURATION);
            assertThatThrownBy(past::next).isInstanceOf(JournalTruncatedException.class);
            assertThat(waiting.awaitReadable(1, TimeUnit.SECONDS)).as("the durable index moved past it").isTrue();
            assertThatThrownBy(waiting::next).isInstanceOf(EntriesDeletedException.class);
            write(journal, 501, 502, 3);
            try (JournalReader fresh = journal.openReader(501)) {
                assertThat(fresh.next().index()).isEqualTo(501);
                assertThat(fresh.next().index()).isEqualTo(502);
            }
        }
    }

    @Test
    void aTruncationBackToTheBaseKeepsIt() throws IOException {
        try (ChronicleJournal journal = threeSegmentsOf20()) {
            journal.rebase(500, 3, CONFIGURATION);
            write(journal, 501, 503, 3);
            assertThat(journal.truncateFrom(501)).hasSize(3);
            assertThat(journal.firstIndex()).isEqualTo(501);
            assertThat(journal.durablePosition()).isEqualTo(new DurablePosition(500, 3));
            write(journal, 501, 501, 4);
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 0)).extracting(JournalEntry::term).containsExactly(4L);
        }
    }

    @Test
    void anOpenFinishesARebaseThatKeptItsBaseButCrashedBeforeItsCut() throws IOException {
        try (ChronicleJournal journal = threeSegmentsOf20()) {
            assertThat(journal.durableIndex()).isEqualTo(60);
        }
        // As a crash leaves it right after the base was kept: every old entry is still there.
        new RetainedBase(40, 3, CONFIGURATION, true).write(dir);
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 0)).as("entries 41..60 were beyond the base, but a rebase drops them all").isEmpty();
            assertThat(journal.firstIndex()).isEqualTo(41);
            assertThat(journal.durablePosition()).isEqualTo(new DurablePosition(40, 3));
            assertThat(SegmentFiles.segments(dir)).isEmpty();
            write(journal, 41, 41, 3);
        }
        try (ChronicleJournal journal = reopen()) {
            assertThat(readAll(journal, 0)).extracting(JournalEntry::index).containsExactly(41L);
        }
    }

    @Test
    void retentionAfterARebaseCarriesTheConfigurationOn() throws IOException {
        try (ChronicleJournal journal = threeSegmentsOf20()) {
            journal.rebase(500, 3, CONFIGURATION);
            for (long index = 501; index <= 560; index += 20) {
                write(journal, index, index + 19, 3);
                now.addAndGet(TimeUnit.MINUTES.toMillis(5));
            }
            assertThat(journal.deleteSegmentsBelow(541, 1)).hasSize(2);
            assertThat(journal.firstIndex()).isEqualTo(541);
            assertThat(journal.baseTerm()).isEqualTo(3);
            assertThat(journal.baseRebased()).as("retention's base now").isFalse();
            assertThat(journal.baseConfiguration()).as("no configuration entry among 501..540").isEqualTo(CONFIGURATION);
        }
    }

    @Test
    void theConfigurationEntryTypeIsTheProtocolOne() {
        assertThat(SegmentRetention.CONFIGURATION_ENTRY).isEqualTo(EntryType.ENTRY_TYPE_CONFIGURATION_VALUE);
    }

    private ChronicleJournal threeSegmentsOf20() throws IOException {
        ChronicleJournal journal = reopen();
        for (long index = 1; index <= 60; index += 20) {
            write(journal, index, index + 19, 1);
            now.addAndGet(TimeUnit.MINUTES.toMillis(5));
        }
        assertThat(SegmentFiles.segments(dir)).hasSize(3);
        return journal;
    }

    private ChronicleJournal reopen() {
        return ChronicleJournal.open(dir, RollCycles.FIVE_MINUTELY, true, JournalEvents.NONE, now::get);
    }

    private static void write(ChronicleJournal journal, long from, long to, long term) throws IOException {
        for (long index = from; index <= to; index++) {
            assertThat(journal.write(new EntryToWrite(term, 1, ("entry-" + index).getBytes(StandardCharsets.UTF_8))))
                    .isEqualTo(index);
        }
        journal.force();
        journal.publishDurable(to);
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
