package io.stemedb.replication.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionReporterTest {

    private static StatusSnapshot status(Role role, long lastIndex, Map<String, Long> matches, Map<String, Long> heard, long now) {
        return new StatusSnapshot("a", role, 3, "a", lastIndex, lastIndex, role == Role.PRIMARY,
                ClusterConfiguration.ofVoters(Map.of("a", 1, "b", 1, "c", 1)), matches, heard, Map.of(), 1, 2, now);
    }

    @Test
    void thePrimaryKeepsWhatTheFurthestBehindLiveMemberLacks() {
        StatusSnapshot primary = status(Role.PRIMARY, 100, Map.of("a", 100L, "b", 40L, "c", 90L),
                Map.of("a", 1_000L, "b", 900L, "c", 990L), 1_000);
        assertThat(RetentionReporter.neededFrom(primary, 60_000)).isEqualTo(41);
    }

    @Test
    void aMemberSilentForLongerThanThePatienceNoLongerHoldsTheJournalBack() {
        StatusSnapshot primary = status(Role.PRIMARY, 100, Map.of("b", 40L, "c", 90L), Map.of("b", 0L, "c", 99_000L), 100_000);
        assertThat(RetentionReporter.neededFrom(primary, 60_000)).isEqualTo(91);
        assertThat(RetentionReporter.neededFrom(
                status(Role.PRIMARY, 100, Map.of("b", 40L), Map.of(), 100_000), 60_000)).as("never heard").isEqualTo(101);
    }

    @Test
    void aReplicaShipsNothingAndHoldsNothingBack() {
        StatusSnapshot replica = status(Role.REPLICA, 77, Map.of(), Map.of(), 5);
        assertThat(RetentionReporter.neededFrom(replica, 60_000)).isEqualTo(78);
    }
}
