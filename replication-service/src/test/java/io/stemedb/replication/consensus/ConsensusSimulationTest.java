package io.stemedb.replication.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The consensus under seeded simulation ({@link ConsensusSimulation}): 3 and 5 voters, write quorums
 * from the runbooks' shapes and around them, every fault at once. CI runs the default number of
 * schedules; {@code -Dconsensus.schedules=N} runs more, {@code -Dconsensus.seed=S} replays one.
 */
class ConsensusSimulationTest {

    private static final int SCHEDULES = Integer.getInteger("consensus.schedules", 1_000);

    @Test
    void noScheduleBreaksSafetyAndEveryOneHealsToOneLog() {
        Long only = Long.getLong("consensus.seed");
        long first = only != null ? only : 1;
        long last = only != null ? only : SCHEDULES;
        long acknowledged = 0;
        long elections = 0;
        long reads = 0;
        long compactions = 0;
        long rebases = 0;
        long promotions = 0;
        long drains = 0;
        for (long seed = first; seed <= last; seed++) {
            int voters = seed % 2 == 0 ? 3 : 5;
            int writeQuorum = switch ((int) (seed % 4)) {
                case 0 -> 2;          // 3 nodes, factor 2
                case 1 -> 3;          // 5 nodes, factor 3
                case 2 -> 3;          // 3 nodes, factor 3: every copy, a one-vote... no: majority elections
                default -> 2;         // 5 nodes, factor 2: elections need 4
            };
            ConsensusSimulation.Summary summary = new ConsensusSimulation(seed, voters, writeQuorum,
                    ConsensusSimulation.Faults.all()).run(6_000, 8_000);
            acknowledged += summary.acknowledged();
            elections += summary.elections();
            reads += summary.readsConfirmed();
            compactions += summary.compactions();
            rebases += summary.rebases();
            promotions += summary.promotions();
            drains += summary.drains();
        }
        System.out.printf("consensus simulation: %d schedules, %d acknowledged writes, %d elections, %d confirmed reads,"
                + " %d compactions, %d rebases, %d learners promoted, %d primaries drained%n", last - first + 1, acknowledged,
                elections, reads, compactions, rebases, promotions, drains);
        assertThat(acknowledged).as("the schedules made progress").isPositive();
        if (only == null) {
            assertThat(rebases).as("retention cut what lagging members needed, and they were rebased").isPositive();
            assertThat(promotions).as("learners that caught up were made voters by the primary").isPositive();
            assertThat(drains).as("drained primaries handed the role over").isPositive();
        }
    }
}
