package io.stemedb.wal.groupcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.wal.fencing.StaleTermException;
import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FencingTest {

    @TempDir
    Path dir;

    @Test
    void appendsBelowTheFencedTermAreRefusedAndTheFenceSurvivesARestart() throws Exception {
        try (Running running = new Running(dir)) {
            assertThat(running.committer.append(List.of(entry(1))).get(10, TimeUnit.SECONDS).firstIndex()).isEqualTo(1);
            assertThat(running.committer.fence(3)).isEqualTo(3);
            assertThat(running.committer.fence(2)).as("a fence never goes down").isEqualTo(3);

            assertThatThrownBy(() -> running.committer.append(List.of(entry(2))).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(StaleTermException.class)
                    .hasMessageContaining("entry term 2 is below the fenced term 3");
            assertThat(running.committer.append(List.of(entry(3))).get(10, TimeUnit.SECONDS).firstIndex())
                    .as("the refused append took no index").isEqualTo(2);
        }
        assertThat(Files.readString(dir.resolve("wal.term")).trim()).isEqualTo("3");
        try (Running running = new Running(dir)) {
            assertThat(running.committer.fencedTerm()).isEqualTo(3);
            assertThatThrownBy(() -> running.committer.append(List.of(entry(1))).get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(StaleTermException.class);
        }
    }

    @Test
    void onceFenceReturnsNoAppendOfALowerTermIsAcknowledged() throws Exception {
        try (Running running = new Running(dir)) {
            AtomicBoolean fenced = new AtomicBoolean();
            AtomicInteger acknowledgedAfterFence = new AtomicInteger();
            AtomicInteger acknowledged = new AtomicInteger();
            List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                CompletableFuture<AppendResult> append = running.committer.append(List.of(entry(1)));
                append.thenRun(() -> {
                    acknowledged.incrementAndGet();
                    if (fenced.get()) {
                        acknowledgedAfterFence.incrementAndGet();
                    }
                });
                appends.add(append);
                if (i == 1_000) {
                    // Some appends done, some still queued or in a batch when the fence comes.
                    appends.get(500).get(30, TimeUnit.SECONDS);
                    running.committer.fence(2);
                    fenced.set(true);
                }
            }
            for (CompletableFuture<AppendResult> append : appends) {
                try {
                    append.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException refused) {
                    assertThat(refused.getCause()).isInstanceOf(StaleTermException.class);
                }
            }
            assertThat(acknowledged.get()).as("appends before the fence went through").isPositive();
            assertThat(acknowledgedAfterFence.get()).isZero();
        }
    }

    private static EntryToWrite entry(long term) {
        return new EntryToWrite(term, 1, ("term-" + term).getBytes());
    }

    /** A journal and its committer, closed together. */
    private static final class Running implements AutoCloseable {
        final ChronicleJournal journal;
        final GroupCommitter committer;

        Running(Path dir) {
            journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE);
            committer = new GroupCommitter(journal, TermFence.load(dir),
                    new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)),
                    CommitObserver.NONE);
        }

        @Override
        public void close() throws InterruptedException {
            committer.close();
            journal.close();
        }
    }
}
