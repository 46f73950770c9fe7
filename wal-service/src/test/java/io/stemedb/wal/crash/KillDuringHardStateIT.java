package io.stemedb.wal.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.wal.fencing.HardState;
import io.stemedb.wal.fencing.TermFence;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a process that keeps raising the term and voting ({@link HardStateWriterMain}), again and
 * again: after every kill the hard state on disk is the last one acknowledged, or the one being
 * written when the kill came, never an older one, never a torn one, and the next process starts
 * from it.
 */
class KillDuringHardStateIT {

    private static final int ITERATIONS = 15;

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedVoteSurvivesAKill() throws Exception {
        Random random = new Random(20261201L);
        HardState known = HardState.INITIAL;
        long acknowledged = 0;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            KilledProcess writer = KilledProcess.start(HardStateWriterMain.class, logs.resolve("writer.log"), dir.toString());
            List<String> lines;
            try {
                String ready = writer.awaitReady();
                assertThat(ready).as("iteration %d: the process starts from what is on disk", iteration)
                        .isEqualTo(("READY " + known.term() + " " + known.votedFor()));
                Thread.sleep(50 + random.nextInt(400));
            } finally {
                lines = writer.kill();
            }
            HardState lastAcknowledged = known;
            for (String line : lines) {
                if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ", 3);
                    lastAcknowledged = new HardState(Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : "");
                    acknowledged++;
                }
            }
            HardState onDisk = TermFence.load(dir).hardState();
            assertThat(onDisk).as("iteration %d: the last acknowledged state or the one after it", iteration)
                    .isIn(lastAcknowledged, successor(lastAcknowledged));
            known = onDisk;
        }
        System.out.printf("hard state kill -9 loop: %d iterations, %d acknowledged changes%n", ITERATIONS, acknowledged);
        assertThat(acknowledged).as("the load really ran").isGreaterThan(ITERATIONS * 5L);
        assertThat(known.term()).isPositive();
    }

    /** What the writer writes after {@code state}. */
    private static HardState successor(HardState state) {
        return state.hasVote() || state.term() == 0 ? new HardState(state.term() + 1, "")
                : new HardState(state.term(), "node-" + state.term());
    }
}
