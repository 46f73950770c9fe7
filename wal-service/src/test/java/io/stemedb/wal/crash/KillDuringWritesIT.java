package io.stemedb.wal.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalEvents;
import io.stemedb.wal.journal.JournalReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

    @TempDir
    Path logs;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyAcknowledgedEntrySurvivesRepeatedKills() throws Exception {
        Random random = new Random(20261126L);
        Map<Long, String> acknowledged = new HashMap<>();
        long totalAcknowledged = 0;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            KilledProcess writer = KilledProcess.start(CrashWriterMain.class, logs.resolve("writer.log"), dir.toString(),
                    Integer.toString(WRITER_THREADS), "r" + iteration);
            List<String> lines;
            try {
                writer.awaitReady();
                Thread.sleep(100 + random.nextInt(500));
            } finally {
                lines = writer.kill();
            }
            for (String line : lines) {
                if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ", 3);
                    acknowledged.put(Long.parseLong(parts[1]), parts[2]);
                    totalAcknowledged++;
                }
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
}
