package io.stemedb.wal.crash;

import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.groupcommit.CommitObserver;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.groupcommit.ReplicaAppendResult;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;

/**
 * A process for crash tests: replica appends that truncate and append, one after another, until
 * it is killed. Before each it prints {@code REQ cycle truncateFrom count}, after its answer
 * {@code ACK cycle lastIndex droppedCount droppedCrc}; the entries are {@link #payload} of the run,
 * cycle and index, so the test can rebuild every request. Segments are small (64 KiB), so
 * truncations often cross segment boundaries.
 *
 * <p>Arguments: journal directory, run name, random seed, and optionally a cut step (one of
 * {@link JournalEvents#CUT_STEPS}) and an occurrence: the process then halts ({@link Runtime#halt},
 * no cleanup, exit status {@link #HALTED}) when a cut reaches that step for that time, as if killed
 * exactly there.
 */
public final class ReplicaWriterMain {

    static final long MAX_SEGMENT_BYTES = 64 * 1024;
    static final long TERM = 1_000;
    static final int HALTED = 99;

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        String run = args[1];
        Random random = new Random(Long.parseLong(args[2]));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        JournalEvents events = args.length > 4 ? haltAt(args[3], Integer.parseInt(args[4])) : JournalEvents.NONE;
        ChronicleJournal journal = ChronicleJournal.open(directory,
                new JournalOptions(RollCycles.FAST_DAILY, true, MAX_SEGMENT_BYTES, 2), events,
                SystemTimeProvider.INSTANCE);
        GroupCommitter committer = new GroupCommitter(journal, TermFence.load(directory),
                new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)), CommitObserver.NONE);
        committer.fence(TERM);
        out.println("READY " + journal.durableIndex());
        out.flush();
        for (int cycle = 0; ; cycle++) {
            long last = journal.durableIndex();
            long truncateFrom = Math.max(1, last - random.nextInt(40)) + (random.nextInt(8) == 0 ? 1 : 0);
            truncateFrom = Math.min(truncateFrom, last + 1);
            int count = 1 + random.nextInt(60);
            List<JournalEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long index = truncateFrom + i;
                entries.add(new JournalEntry(index, 1 + cycle % TERM, 1,
                        payload(run, cycle, index).getBytes(StandardCharsets.UTF_8)));
            }
            out.println("REQ " + cycle + " " + truncateFrom + " " + count);
            out.flush();
            ReplicaAppendResult result = committer.replicaAppend(truncateFrom, entries).join();
            out.println("ACK " + cycle + " " + result.lastIndex() + " " + result.dropped().size() + " "
                    + crcOf(result.dropped().stream().map(entry -> new String(entry.payload(), StandardCharsets.UTF_8)).toList()));
            out.flush();
        }
    }

    /** Halts the process the {@code occurrence}-th time a cut reaches {@code step}. */
    private static JournalEvents haltAt(String step, int occurrence) {
        return new JournalEvents() {
            private int reached;

            @Override
            public void cutReached(String reachedStep) {
                if (reachedStep.equals(step) && ++reached == occurrence) {
                    Runtime.getRuntime().halt(HALTED);
                }
            }
        };
    }

    /** Unique per run, cycle and index, from about 20 to 800 bytes long. */
    static String payload(String run, int cycle, long index) {
        String key = run + "-" + cycle + "-" + index;
        return key + "~".repeat((int) ((index * 37 + cycle * 101) % 780));
    }

    static long crcOf(List<String> payloads) {
        CRC32C crc = new CRC32C();
        payloads.forEach(payload -> crc.update(payload.getBytes(StandardCharsets.UTF_8)));
        return crc.getValue();
    }
}
