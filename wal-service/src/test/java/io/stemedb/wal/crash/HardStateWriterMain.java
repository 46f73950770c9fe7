package io.stemedb.wal.crash;

import io.stemedb.wal.fencing.HardState;
import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.groupcommit.CommitObserver;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEvents;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import net.openhft.chronicle.queue.RollCycles;

/**
 * A process for crash tests: moves the hard state forward as fast as it can until it is killed,
 * each term first without a vote, then with one for {@code node-<term>}, printing
 * {@code ACK term vote} once SetHardState's answer came (that is, once it was durable).
 *
 * <p>Argument: journal directory.
 */
public final class HardStateWriterMain {

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        ChronicleJournal journal = ChronicleJournal.open(directory, RollCycles.FAST_DAILY, true, JournalEvents.NONE);
        GroupCommitter committer = new GroupCommitter(journal, TermFence.load(directory),
                new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)), CommitObserver.NONE);
        HardState start = committer.hardState();
        out.println("READY " + start.term() + " " + start.votedFor());
        out.flush();
        for (long term = start.term() + 1; ; term++) {
            HardState raised = committer.setHardState(term, "");
            out.println("ACK " + raised.term() + " " + raised.votedFor());
            out.flush();
            HardState voted = committer.setHardState(term, "node-" + term);
            out.println("ACK " + voted.term() + " " + voted.votedFor());
            out.flush();
        }
    }
}
