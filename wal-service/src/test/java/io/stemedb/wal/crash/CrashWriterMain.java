package io.stemedb.wal.crash;

import io.stemedb.wal.fencing.TermFence;
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
 * killed, printing {@code ACK index payload} for every acknowledged append. Each payload is unique
 * ({@code <run>-<thread>-<sequence>} padded to a varying length), so the test can check that the
 * entry at each acknowledged index is exactly the one acknowledged.
 *
 * <p>Arguments: journal directory, writer threads, run name.
 */
public final class CrashWriterMain {

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        String run = args[2];
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        ChronicleJournal journal = ChronicleJournal.open(directory, RollCycles.FAST_DAILY, true, JournalEvents.NONE);
        GroupCommitter committer = new GroupCommitter(journal, TermFence.load(directory),
                new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)),
                CommitObserver.NONE);
        synchronized (out) {
            out.println("READY " + journal.durableIndex());
            out.flush();
        }
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (long sequence = 0; ; sequence++) {
                    String payload = payload(run, thread, sequence);
                    AppendResult result = committer.append(List.of(
                            new EntryToWrite(1, 1, payload.getBytes(StandardCharsets.UTF_8)))).join();
                    synchronized (out) {
                        out.println("ACK " + result.firstIndex() + " " + payload);
                        out.flush();
                    }
                }
            });
            writer.start();
        }
    }

    /** Lengths vary from about 20 to 1,000 bytes so that entries straddle pages in every way. */
    static String payload(String run, int thread, long sequence) {
        String key = run + "-" + thread + "-" + sequence;
        return key + "~".repeat((int) ((sequence * 37 + thread * 101) % 1000));
    }
}
