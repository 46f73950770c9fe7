package io.stemedb.wal.groupcommit;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitterTest {

    @TempDir
    Path dir;

    @Test
    void concurrentAppendsGetContiguousIndexesAndShareFsyncs() throws Exception {
        AtomicInteger fsyncs = new AtomicInteger();
        AtomicLong entriesCommitted = new AtomicLong();
        CommitObserver observer = new CommitObserver() {
            @Override
            public void committed(long fsyncNanos, int entries, long bytes) {
                fsyncs.incrementAndGet();
                entriesCommitted.addAndGet(entries);
            }

            @Override
            public void failed(String segment, Throwable cause) {}
        };
        int writers = 32;
        int appendsPerWriter = 200;
        List<AppendResult> results = Collections.synchronizedList(new ArrayList<>());
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            GroupCommitter committer = new GroupCommitter(journal, TermFence.load(dir),
                    new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)), observer);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < appendsPerWriter; i++) {
                        // Two entries per append: indexes within one append must be adjacent.
                        CompletableFuture<AppendResult> result = committer.append(List.of(
                                entry(writer + ":" + i + ":a"), entry(writer + ":" + i + ":b")));
                        results.add(result.get(30, TimeUnit.SECONDS));
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            committer.close();

            long total = (long) writers * appendsPerWriter * 2;
            TreeSet<Long> indexes = new TreeSet<>();
            for (AppendResult result : results) {
                assertThat(result.lastIndex()).isEqualTo(result.firstIndex() + 1);
                indexes.add(result.firstIndex());
                indexes.add(result.lastIndex());
            }
            assertThat(indexes).hasSize((int) total);
            assertThat(indexes.first()).isEqualTo(1);
            assertThat(indexes.last()).isEqualTo(total);
            assertThat(journal.durableIndex()).isEqualTo(total);
            assertThat(entriesCommitted.get()).isEqualTo(total);
            // With 32 writers waiting on each other's fsyncs, batches must form.
            assertThat(fsyncs.get()).isLessThan((int) (total / 2));

            try (JournalReader reader = journal.openReader(1)) {
                long expected = 1;
                for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                    assertThat(entry.index()).isEqualTo(expected++);
                }
                assertThat(expected - 1).isEqualTo(total);
            }
        }
    }

    private static EntryToWrite entry(String text) {
        return new EntryToWrite(1, 1, text.getBytes());
    }
}
