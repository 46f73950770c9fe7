package io.stemedb.wal.groupcommit;

import static io.stemedb.wal.testing.RunningJournal.replicaEntry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.testing.RunningJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica's writes: truncate and append at the consensus's indexes and terms, or refuse and change nothing. */
class ReplicaAppendTest {

    @TempDir
    Path dir;

    @Test
    void truncatesAppendsAndReturnsWhatItDropped() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.setHardState(3, "node-a");
            assertThat(replicate(wal, 0, entries(1, 10, 1, "a")).lastIndex()).isEqualTo(10);

            ReplicaAppendResult result = replicate(wal, 7, entries(7, 9, 3, "b"));
            assertThat(result.lastIndex()).isEqualTo(9);
            assertThat(result.dropped()).extracting(JournalEntry::index).containsExactly(7L, 8L, 9L, 10L);
            assertThat(result.dropped()).extracting(RunningJournal::text).containsExactly("a7", "a8", "a9", "a10");
            assertThat(result.dropped()).extracting(JournalEntry::term).containsOnly(1L);

            assertThat(wal.readFrom(1)).extracting(RunningJournal::text)
                    .containsExactly("a1", "a2", "a3", "a4", "a5", "a6", "b7", "b8", "b9");
            assertThat(wal.journal.durablePosition().index()).isEqualTo(9);
            assertThat(wal.journal.durablePosition().term()).isEqualTo(3);

            // Truncation alone, then appends after it, then a plain append.
            ReplicaAppendResult cut = replicate(wal, 9, List.of());
            assertThat(cut.dropped()).extracting(RunningJournal::text).containsExactly("b9");
            assertThat(cut.lastIndex()).isEqualTo(8);
            assertThat(wal.journal.durablePosition().term()).isEqualTo(3);
            assertThat(replicate(wal, 0, entries(9, 12, 3, "c")).dropped()).isEmpty();
            assertThat(replicate(wal, 13, entries(13, 13, 3, "d")).dropped()).as("one past the end drops nothing").isEmpty();
            assertThat(replicate(wal, 0, List.of()).lastIndex()).as("nothing to do").isEqualTo(13);
        }
        try (RunningJournal wal = new RunningJournal(dir)) {
            assertThat(wal.readFrom(1)).extracting(RunningJournal::text).containsExactly(
                    "a1", "a2", "a3", "a4", "a5", "a6", "b7", "b8", "c9", "c10", "c11", "c12", "d13");
            assertThat(wal.journal.durablePosition().term()).isEqualTo(3);
        }
    }

    @Test
    void theWholeJournalCanBeReplacedWhileItStartsAtOne() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.fence(2);
            replicate(wal, 0, entries(1, 5, 1, "a"));
            assertThat(replicate(wal, 1, List.of()).dropped()).hasSize(5);
            assertThat(wal.journal.firstIndex()).isZero();
            assertThat(wal.journal.durablePosition()).extracting("index", "term").containsExactly(0L, 0L);
            replicate(wal, 1, entries(1, 2, 2, "b"));
            assertThat(wal.readFrom(0)).extracting(RunningJournal::text).containsExactly("b1", "b2");
        }
        try (RunningJournal wal = new RunningJournal(dir)) {
            assertThat(wal.readFrom(1)).extracting(RunningJournal::text).containsExactly("b1", "b2");
        }
    }

    @Test
    void refusalsChangeNothing() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.setHardState(2, "");
            replicate(wal, 0, entries(1, 5, 1, "a"));

            refused(wal, 0, entries(7, 8, 2, "gap")).hasMessageContaining("expected index 6 but got 7");
            refused(wal, 3, entries(4, 5, 2, "gap")).hasMessageContaining("expected index 3 but got 4");
            refused(wal, 0, List.of(replicaEntry(6, 2, "x"), replicaEntry(8, 2, "y")))
                    .hasMessageContaining("expected index 7 but got 8");
            refused(wal, 7, List.of()).hasMessageContaining("more than one past the last index 5");
            refused(wal, 4, entries(4, 4, 3, "future")).hasMessageContaining("above the fenced term 2");

            wal.journal.raiseCommitIndex(3);
            refused(wal, 3, entries(3, 3, 2, "committed")).hasMessageContaining("would drop committed entries");
            assertThat(replicate(wal, 4, entries(4, 4, 2, "b")).dropped()).hasSize(2);

            wal.committer.setPrimary(2, true);
            refused(wal, 0, entries(5, 5, 2, "primary")).hasMessageContaining("primary mode");
            wal.committer.setPrimary(2, false);

            assertThat(wal.readFrom(1)).extracting(RunningJournal::text).containsExactly("a1", "a2", "a3", "b4");
            assertThat(wal.committer.failure()).isNull();
        }
    }

    @Test
    void aRebaseHandsOverOnlyTheUncommittedEntriesAndTheJournalContinuesAfterItsBase() throws Exception {
        byte[] configuration = "in force at 40".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.setHardState(3, "");
            replicate(wal, 0, entries(1, 10, 1, "a"));
            wal.journal.raiseCommitIndex(6);

            assertThatThrownBy(() -> wal.committer.rebase(7, List.of(), 5, 2, configuration).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ReplicaAppendRefusedException.class).hasMessageContaining("below the commit index 6");
            assertThatThrownBy(() -> wal.committer.rebase(7, List.of(), 40, 4, configuration).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ReplicaAppendRefusedException.class).hasMessageContaining("above the fenced term 3");
            assertThatThrownBy(() -> wal.committer.rebase(5, List.of(), 40, 2, configuration).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ReplicaAppendRefusedException.class).hasMessageContaining("committed entries");
            assertThat(wal.readFrom(1)).as("refusals change nothing").hasSize(10);

            ReplicaAppendResult rebased = wal.committer.rebase(7, List.of(), 40, 2, configuration).get(30, TimeUnit.SECONDS);
            assertThat(rebased.dropped()).extracting(RunningJournal::text).containsExactly("a7", "a8", "a9", "a10");
            assertThat(rebased.lastIndex()).isEqualTo(40);
            assertThat(wal.journal.firstIndex()).isEqualTo(41);
            refused(wal, 0, entries(40, 40, 2, "x")).hasMessageContaining("expected index 41");
            replicate(wal, 0, entries(41, 42, 3, "b"));
            assertThat(replicate(wal, 41, entries(41, 41, 3, "c")).dropped()).as("back to the base is allowed").hasSize(2);
        }
        try (RunningJournal wal = new RunningJournal(dir)) {
            assertThat(wal.readFrom(0)).extracting(RunningJournal::text).containsExactly("c41");
            assertThat(wal.journal.baseTerm()).isEqualTo(2);
            assertThat(wal.journal.baseConfiguration()).isEqualTo(configuration);
        }
    }

    @Test
    void runsAloneBetweenBatches() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.fence(1);
            replicate(wal, 0, entries(1, 100, 1, "a"));
            List<CompletableFuture<?>> all = new ArrayList<>();
            List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                CompletableFuture<AppendResult> append = wal.committer.append(List.of(PrimaryModeTest.entry(1, "p" + i)));
                appends.add(append);
                all.add(append);
                if (i == 100) {
                    // Queued behind appends: it must see them all durable and none of its own batch.
                    all.add(wal.committer.replicaAppend(50, entries(50, 50, 1, "r")));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            List<JournalEntry> journal = wal.readFrom(1);
            assertThat(journal).extracting(JournalEntry::index).doesNotHaveDuplicates();
            assertThat(journal.get(49)).extracting(RunningJournal::text).isEqualTo("r50");
            assertThat(journal).hasSize(50 + 99);
            for (CompletableFuture<AppendResult> append : appends.subList(101, 200)) {
                long index = append.get().firstIndex();
                assertThat(RunningJournal.text(journal.get((int) index - 1))).startsWith("p");
            }
        }
    }

    private static ReplicaAppendResult replicate(RunningJournal wal, long truncateFrom, List<JournalEntry> entries)
            throws Exception {
        return wal.committer.replicaAppend(truncateFrom, entries).get(30, TimeUnit.SECONDS);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> refused(RunningJournal wal, long truncateFrom,
            List<JournalEntry> entries) {
        return assertThatThrownBy(() -> replicate(wal, truncateFrom, entries))
                .cause().isInstanceOf(ReplicaAppendRefusedException.class);
    }

    static List<JournalEntry> entries(long from, long to, long term, String prefix) {
        List<JournalEntry> entries = new ArrayList<>();
        for (long index = from; index <= to; index++) {
            entries.add(replicaEntry(index, term, prefix + index));
        }
        return entries;
    }
}
