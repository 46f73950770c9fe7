package io.stemedb.wal.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalOptions;
import io.stemedb.wal.journal.JournalReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a process in the middle of repeated truncate-and-append cycles ({@link ReplicaWriterMain}),
 * again and again on the same journal: every other time at a random moment, and in between at an
 * exact step of a cut (the process halts itself there, as if killed at that instant), so that
 * every step of a cut is hit, not only the slow ones. After every kill the journal opens, its indexes run from 1
 * without a gap or a duplicate, every entry passes its CRC, and it is exactly what the last
 * acknowledged replica append left — or that with the in-flight one applied: its truncation
 * complete (never half of it) and a prefix of its entries. No entry a completed truncation
 * dropped is ever back.
 */
class KillDuringTruncationsIT {

    private static final int ITERATIONS = 40;

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    /** Truncations the parent's open finished: kills that came between a cut's marker and its end. */
    private int cutsFinishedAtOpen;

    /** The cut steps a writer halted at. */
    private final List<String> halts = new ArrayList<>();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aTruncationIsAllOrNothingAndNeverUndone() throws Exception {
        Random random = new Random(20261202L);
        NavigableMap<Long, String> journal = new TreeMap<>();
        long acknowledgedTotal = 0;
        long droppedTotal = 0;
        int interrupted = 0;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            String run = "r" + iteration;
            boolean atAStep = iteration % 2 == 1;
            String step = JournalEvents.CUT_STEPS.get(random.nextInt(JournalEvents.CUT_STEPS.size()));
            String occurrence = Integer.toString(1 + random.nextInt(3));
            String seed = Long.toString(random.nextLong());
            KilledProcess writer = atAStep
                    ? KilledProcess.start(ReplicaWriterMain.class, logs.resolve("writer.log"), dir.toString(), run, seed,
                            step, occurrence)
                    : KilledProcess.start(ReplicaWriterMain.class, logs.resolve("writer.log"), dir.toString(), run, seed);
            List<String> lines;
            try {
                assertThat(writer.awaitReady()).isEqualTo("READY " + (journal.isEmpty() ? 0 : journal.lastKey()));
                if (atAStep) {
                    if (writer.awaitExit(10_000) && writer.exitValue() == ReplicaWriterMain.HALTED) {
                        halts.add(step);
                    }
                } else {
                    Thread.sleep(50 + random.nextInt(400));
                }
            } finally {
                lines = writer.kill();
            }
            String[] inFlight = null;
            for (String line : lines) {
                String[] parts = line.split(" ");
                if (parts[0].equals("REQ")) {
                    inFlight = parts;
                } else if (parts[0].equals("ACK")) {
                    assertThat(inFlight).as("an answer follows its request").isNotNull();
                    assertThat(parts[1]).isEqualTo(inFlight[1]);
                    long truncateFrom = Long.parseLong(inFlight[2]);
                    List<String> dropped = new ArrayList<>(journal.tailMap(truncateFrom, true).values());
                    assertThat(Long.parseLong(parts[3])).as("iteration %d cycle %s: dropped count", iteration, parts[1])
                            .isEqualTo(dropped.size());
                    assertThat(Long.parseLong(parts[4])).as("the dropped entries themselves")
                            .isEqualTo(ReplicaWriterMain.crcOf(dropped));
                    apply(journal, run, inFlight, Integer.parseInt(inFlight[3]));
                    assertThat(Long.parseLong(parts[2])).isEqualTo(journal.lastKey());
                    acknowledgedTotal++;
                    droppedTotal += dropped.size();
                    inFlight = null;
                }
            }
            NavigableMap<Long, String> found = readJournal(iteration);
            if (!found.equals(journal)) {
                assertThat(inFlight).as("iteration %d: the journal differs from the last acknowledged state, so a"
                        + " request must have been in flight", iteration).isNotNull();
                long truncateFrom = Long.parseLong(inFlight[2]);
                assertThat(found.headMap(truncateFrom, false)).as("iteration %d: everything before the in-flight"
                        + " truncation is kept", iteration).isEqualTo(journal.headMap(truncateFrom, false));
                int written = found.tailMap(truncateFrom, true).size();
                assertThat(written).isLessThanOrEqualTo(Integer.parseInt(inFlight[3]));
                NavigableMap<Long, String> expected = new TreeMap<>(journal);
                apply(expected, run, inFlight, written);
                assertThat(found).as("iteration %d: the in-flight truncation happened whole, followed by a prefix of"
                        + " its entries", iteration).isEqualTo(expected);
                interrupted++;
            }
            journal = found;
            assertThat(dir.resolve("cut.pending")).as("an open finishes an interrupted cut").doesNotExist();
        }
        System.out.printf("truncation kill -9 loop: %d iterations, %d acknowledged replica appends, %d entries dropped,"
                + " %d kills changed the journal after the last answer, %d of them inside a cut, %d entries at the end%n",
                ITERATIONS, acknowledgedTotal, droppedTotal, interrupted, cutsFinishedAtOpen, journal.size());
        assertThat(acknowledgedTotal).as("the load really ran").isGreaterThanOrEqualTo(ITERATIONS);
        assertThat(droppedTotal).isPositive();
        System.out.println("halted at cut steps: " + halts);
        assertThat(halts).as("writers halted inside cuts").hasSizeGreaterThan(ITERATIONS / 4);
        assertThat(cutsFinishedAtOpen).as("opens that finished an interrupted cut").isPositive();
        assertThat(dir.resolve("quarantine")).as("truncations are not damage").doesNotExist();
        try (var truncated = Files.list(dir.resolve("truncated"))) {
            assertThat(truncated.count()).as("pruned to the newest truncations").isLessThan(20);
        }
    }

    /** Applies request {@code request} ({@code REQ cycle truncateFrom count}) with its first {@code entries} entries. */
    private static void apply(NavigableMap<Long, String> journal, String run, String[] request, int entries) {
        int cycle = Integer.parseInt(request[1]);
        long truncateFrom = Long.parseLong(request[2]);
        journal.tailMap(truncateFrom, true).clear();
        for (int i = 0; i < entries; i++) {
            journal.put(truncateFrom + i, ReplicaWriterMain.payload(run, cycle, truncateFrom + i));
        }
    }

    private NavigableMap<Long, String> readJournal(int iteration) {
        try {
            return readJournalOnce(iteration);
        } catch (RuntimeException e) {
            // Seen twice in full builds, never alone: Chronicle timing out on the lock of its table
            // store. Say who holds which lock on this directory's files, so the next one says why.
            System.err.println("iteration " + iteration + ": opening the journal failed (" + e + "); this is pid "
                    + ProcessHandle.current().pid() + "; locks on its files:\n" + KilledProcess.locksOn(dir));
            throw e;
        }
    }

    private NavigableMap<Long, String> readJournalOnce(int iteration) {
        NavigableMap<Long, String> found = new TreeMap<>();
        try (ChronicleJournal journal = ChronicleJournal.open(dir,
                new JournalOptions(RollCycles.FAST_DAILY, true, ReplicaWriterMain.MAX_SEGMENT_BYTES, 2), new JournalEvents() {
                    @Override
                    public void truncated(long fromIndex, long entriesDropped) {
                        cutsFinishedAtOpen++;
                    }
                }, SystemTimeProvider.INSTANCE);
                JournalReader reader = journal.openReader(1)) {
            long expected = 1;
            for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                assertThat(entry.index()).as("iteration %d: no gaps, no duplicates", iteration).isEqualTo(expected++);
                found.put(entry.index(), new String(entry.payload(), StandardCharsets.UTF_8));
            }
            assertThat(expected - 1).as("iteration %d: the reader saw everything durable", iteration)
                    .isEqualTo(journal.durableIndex());
        }
        return found;
    }
}
