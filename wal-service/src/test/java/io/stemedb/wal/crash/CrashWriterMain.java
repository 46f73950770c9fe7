package io.stemedb.wal.crash;

import io.stemedb.wal.groupcommit.AppendResult;
import io.stemedb.wal.groupcommit.CommitObserver;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEvents;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.openhft.chronicle.queue.RollCycles;

/**
 * A process for crash tests: appends through the group committer from several threads until it is
 * killed, printing "ACK first last" for every acknowledged append. The test kills it with SIGKILL
 * and checks that every acknowledged index is in the journal after recovery.
 *
 * <p>Arguments: journal directory, writer threads.
 */
public final class CrashWriterMain {

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        ChronicleJournal journal = ChronicleJournal.open(directory, RollCycles.FAST_DAILY, JournalEvents.NONE);
        GroupCommitter committer = new GroupCommitter(journal, new GroupCommitSettings(4096, Duration.ZERO, 10_000, true),
                new CommitObserver() {
                    @Override
                    public void committed(long fsyncNanos, int entries, long bytes) {}

                    @Override
                    public void failed(String segment, Throwable cause) {}
                });
        synchronized (out) {
            out.println("READY " + journal.durableIndex());
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                byte[] payload = ("crash-test-payload-from-thread-" + thread).repeat(4).getBytes(StandardCharsets.UTF_8);
                while (true) {
                    AppendResult result = committer.append(List.of(new EntryToWrite(1, 1, payload))).join();
                    synchronized (out) {
                        out.println("ACK " + result.firstIndex() + " " + result.lastIndex());
                        out.flush();
                    }
                }
            });
            writer.start();
        }
    }
}
