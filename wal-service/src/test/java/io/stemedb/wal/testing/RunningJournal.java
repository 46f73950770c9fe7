package io.stemedb.wal.testing;

import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.groupcommit.CommitObserver;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalOptions;
import io.stemedb.wal.journal.JournalReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycles;

/** A journal and its committer over one directory, closed together. */
public final class RunningJournal implements AutoCloseable {

    public final ChronicleJournal journal;
    public final GroupCommitter committer;

    public RunningJournal(Path dir) {
        this(dir, new JournalOptions(RollCycles.FAST_DAILY, true, 0), JournalEvents.NONE, CommitObserver.NONE,
                SystemTimeProvider.INSTANCE);
    }

    public RunningJournal(Path dir, JournalOptions options, JournalEvents events, CommitObserver observer,
            TimeProvider time) {
        journal = ChronicleJournal.open(dir, options, events, time);
        committer = new GroupCommitter(journal, TermFence.load(dir),
                new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)), observer);
    }

    /** Every entry from {@code from} on that is durable now. */
    public List<JournalEntry> readFrom(long from) {
        try (JournalReader reader = journal.openReader(from)) {
            List<JournalEntry> entries = new ArrayList<>();
            for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                entries.add(entry);
            }
            return entries;
        }
    }

    public static String text(JournalEntry entry) {
        return new String(entry.payload(), StandardCharsets.UTF_8);
    }

    public static JournalEntry replicaEntry(long index, long term, String payload) {
        return new JournalEntry(index, term, 1, payload.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        committer.close();
        journal.close();
    }
}
