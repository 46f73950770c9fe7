package io.stemedb.wal.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a process in the middle of a sustained write load, again and again on the same journal:
 * after every kill, each acknowledged entry is in the journal at its index with its exact payload,
 * every entry passes its CRC, and the indexes have no gaps.
 */
class KillDuringWritesIT {

    private static final int ITERATIONS = 25;
    private static final int WRITER_THREADS = 16;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyAcknowledgedEntrySurvivesRepeatedKills() throws Exception {
        Random random = new Random(20261126L);
        Map<Long, String> acknowledged = new HashMap<>();
        long totalAcknowledged = 0;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            Process writer = startWriter("r" + iteration);
            try {
                List<String> lines = new ArrayList<>();
                BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
                CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readLines(out, lines));
                awaitReady(lines, writer);
                Thread.sleep(100 + random.nextInt(500));
                writer.destroyForcibly();
                assertThat(writer.waitFor(30, TimeUnit.SECONDS)).as("killed writer exits").isTrue();
                reading.get(30, TimeUnit.SECONDS);
                synchronized (lines) {
                    for (String line : lines) {
                        if (line.startsWith("ACK ")) {
                            String[] parts = line.split(" ", 3);
                            acknowledged.put(Long.parseLong(parts[1]), parts[2]);
                            totalAcknowledged++;
                        }
                    }
                }
            } finally {
                writer.destroyForcibly();
            }
            verifyJournal(acknowledged, iteration);
        }
        System.out.printf("kill -9 loop: %d iterations, %d acknowledged entries checked%n", ITERATIONS, totalAcknowledged);
        assertThat(totalAcknowledged).as("the load really ran").isGreaterThan(ITERATIONS * 10L);
    }

    private void verifyJournal(Map<Long, String> acknowledged, int iteration) {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, RollCycles.FAST_DAILY, true, JournalEvents.NONE);
                JournalReader reader = journal.openReader(1)) {
            long expected = 1;
            Map<Long, String> found = new HashMap<>();
            for (JournalEntry entry = reader.next(); entry != null; entry = reader.next()) {
                assertThat(entry.index()).as("iteration %d: no gaps", iteration).isEqualTo(expected++);
                if (acknowledged.containsKey(entry.index())) {
                    found.put(entry.index(), new String(entry.payload(), StandardCharsets.UTF_8));
                }
            }
            assertThat(found).as("iteration %d: every acknowledged entry, with its payload", iteration)
                    .containsExactlyInAnyOrderEntriesOf(acknowledged);
        }
    }

    private Process startWriter(String run) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("stemedb.jvm.flags", "").trim().split("\\s+")));
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(CrashWriterMain.class.getName());
        command.add(dir.toString());
        command.add(Integer.toString(WRITER_THREADS));
        command.add(run);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void readLines(BufferedReader out, List<String> lines) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException closedByTheKill) {
            // The stream ends with the process.
        }
    }

    private static void awaitReady(List<String> lines, Process writer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (lines) {
            while (lines.stream().noneMatch(line -> line.startsWith("READY"))) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !writer.isAlive()) {
                    throw new AssertionError("writer did not become ready (alive: " + writer.isAlive() + ")");
                }
                lines.wait(Math.min(left, 200));
            }
        }
    }
}
