package io.stemedb.wal.groupcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.wal.fencing.HardState;
import io.stemedb.wal.fencing.NotPrimaryException;
import io.stemedb.wal.fencing.StaleTermException;
import io.stemedb.wal.fencing.TermMismatchException;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.testing.RunningJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Term-0 appends: only in primary mode, stamped with the fenced term, and never after a raise. */
class PrimaryModeTest {

    @TempDir
    Path dir;

    @Test
    void termZeroIsRefusedOutsidePrimaryModeAndStampedInside() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.setHardState(4, "node-a");
            assertThatThrownBy(() -> wal.committer.append(List.of(primaryEntry("early"))).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(NotPrimaryException.class).hasMessageContaining("not in primary mode");

            assertThat(wal.committer.setPrimary(4, true)).isTrue();
            AppendResult result = wal.committer.append(List.of(primaryEntry("a"), primaryEntry("b"))).get(10, TimeUnit.SECONDS);
            assertThat(result.firstIndex()).as("the refused append took no index").isEqualTo(1);
            assertThat(result.term()).as("the term it was stamped with").isEqualTo(4);
            assertThat(wal.readFrom(1)).extracting(JournalEntry::term).containsExactly(4L, 4L);

            // Entries with a term keep the fence rule, in primary mode too.
            assertThatThrownBy(() -> wal.committer.append(List.of(entry(3, "old"))).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(StaleTermException.class);
            assertThat(wal.committer.append(List.of(entry(4, "explicit"))).get(10, TimeUnit.SECONDS).firstIndex()).isEqualTo(3);
            assertThat(wal.journal.durablePosition().term()).isEqualTo(4);

            assertThat(wal.committer.setPrimary(4, false)).isFalse();
            assertThatThrownBy(() -> wal.committer.append(List.of(primaryEntry("late"))).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(NotPrimaryException.class);
        }
    }

    @Test
    void primaryModeIsOnlyForTheFencedTermAndDoesNotSurviveARestart() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.fence(6);
            assertThatThrownBy(() -> wal.committer.setPrimary(5, true)).isInstanceOf(TermMismatchException.class)
                    .hasMessageContaining("term 5 is not the fenced term 6");
            assertThatThrownBy(() -> wal.committer.setPrimary(7, true)).isInstanceOf(TermMismatchException.class);
            assertThat(wal.committer.isPrimary()).isFalse();
            assertThat(wal.committer.setPrimary(6, true)).isTrue();
        }
        try (RunningJournal wal = new RunningJournal(dir)) {
            assertThat(wal.committer.isPrimary()).as("volatile: a restart ends it").isFalse();
            assertThat(wal.committer.fencedTerm()).isEqualTo(6);
        }
    }

    @Test
    void aTermRaiseEndsPrimaryModeAndASameTermVoteDoesNot() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            wal.committer.setHardState(2, "node-a");
            wal.committer.setPrimary(2, true);
            assertThat(wal.committer.setHardState(2, "node-a")).isEqualTo(new HardState(2, "node-a"));
            assertThat(wal.committer.isPrimary()).as("the same term changes nothing").isTrue();
            assertThat(wal.committer.setHardState(1, "node-z").term()).isEqualTo(2);
            assertThat(wal.committer.isPrimary()).as("a lower term changes nothing").isTrue();

            wal.committer.setHardState(3, "node-b");
            assertThat(wal.committer.isPrimary()).isFalse();
            assertThatThrownBy(() -> wal.committer.append(List.of(primaryEntry("x"))).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(NotPrimaryException.class);

            wal.committer.setPrimary(3, true);
            wal.committer.fence(4);
            assertThat(wal.committer.isPrimary()).as("Fence is a term raise too").isFalse();
        }
    }

    @Test
    void noTermZeroAppendIsStampedWithTheOldTermOnceARaiseHasReturned() throws Exception {
        try (RunningJournal wal = new RunningJournal(dir)) {
            long acknowledgedInAll = 0;
            for (long term = 1; term <= 8; term++) {
                wal.committer.setHardState(term, "node-a");
                wal.committer.setPrimary(term, true);
                long firstOfTerm = wal.journal.durableIndex() + 1;
                AtomicBoolean raised = new AtomicBoolean();
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger acknowledgedAfterRaise = new AtomicInteger();
                AtomicInteger acknowledged = new AtomicInteger();
                List<CompletableFuture<AppendResult>> appends = new CopyOnWriteArrayList<>();
                String prefix = "t" + term + "-";
                // Appends keep coming, so a batch is being written whenever the raise happens.
                Thread producer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        CompletableFuture<AppendResult> append = wal.committer.append(List.of(primaryEntry(prefix + i)));
                        append.thenAccept(result -> {
                            acknowledged.incrementAndGet();
                            if (raised.get()) {
                                acknowledgedAfterRaise.incrementAndGet();
                            }
                        });
                        appends.add(append);
                        if (i % 64 == 63) {
                            append.exceptionally(refused -> null).join();
                        }
                    }
                });
                producer.start();
                Thread.sleep(100);
                wal.committer.setHardState(term + 1, "");
                raised.set(true);
                long lastIndexBeforeRaise = wal.journal.durableIndex();
                Thread.sleep(50);
                stop.set(true);
                producer.join();

                int refused = 0;
                for (CompletableFuture<AppendResult> append : appends) {
                    try {
                        assertThat(append.get(30, TimeUnit.SECONDS).term()).isEqualTo(term);
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(NotPrimaryException.class);
                        refused++;
                    }
                }
                assertThat(acknowledged.get()).as("term %d: appends before the raise went through", term).isPositive();
                assertThat(refused).as("term %d: appends after the raise were refused", term).isPositive();
                assertThat(acknowledgedAfterRaise.get()).as("term %d: acknowledged after the raise returned", term).isZero();
                List<JournalEntry> written = wal.readFrom(firstOfTerm);
                assertThat(written).hasSize(acknowledged.get());
                assertThat(written).extracting(JournalEntry::term).containsOnly(term);
                assertThat(written.get(written.size() - 1).index()).isEqualTo(lastIndexBeforeRaise);
                acknowledgedInAll += acknowledged.get();
            }
            assertThat(wal.journal.durableIndex()).isEqualTo(acknowledgedInAll);
        }
    }

    static EntryToWrite primaryEntry(String payload) {
        return entry(0, payload);
    }

    static EntryToWrite entry(long term, String payload) {
        return new EntryToWrite(term, 1, payload.getBytes(StandardCharsets.UTF_8));
    }
}
