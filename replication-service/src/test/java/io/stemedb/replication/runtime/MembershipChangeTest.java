package io.stemedb.replication.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.runtime.MembershipChange.Kind;
import io.stemedb.replication.runtime.MembershipChange.Outcome.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each operator change asks of the configuration in force, and when there is nothing to ask. */
class MembershipChangeTest {

    private static final ClusterConfiguration THREE = ClusterConfiguration.ofVoters(Map.of("a", 1, "b", 1, "c", 1));
    private static final long LIVE_MS = 1_000;

    @Test
    void aLearnerIsAddedOnceAndPromotedOnce() {
        MembershipChange.Next added = new MembershipChange(Kind.ADD_LEARNER, "d", false).next(THREE, Map.of(), LIVE_MS);
        assertThat(added.status()).isEqualTo(Status.PROPOSED);
        assertThat(added.configuration().learners()).containsOnlyKeys("d");
        assertThat(added.configuration().voters()).containsOnlyKeys("a", "b", "c");
        assertThat(new MembershipChange(Kind.ADD_LEARNER, "a", false).next(THREE, Map.of(), LIVE_MS).status())
                .isEqualTo(Status.ALREADY);

        MembershipChange.Next promoted = new MembershipChange(Kind.PROMOTE, "d", false)
                .next(added.configuration(), Map.of(), LIVE_MS);
        assertThat(promoted.status()).isEqualTo(Status.PROPOSED);
        assertThat(promoted.configuration().voters()).containsOnlyKeys("a", "b", "c", "d");
        assertThat(promoted.configuration().learners()).isEmpty();
        assertThat(new MembershipChange(Kind.PROMOTE, "a", false).next(THREE, Map.of(), LIVE_MS).status())
                .isEqualTo(Status.ALREADY);
        assertThat(new MembershipChange(Kind.PROMOTE, "z", false).next(THREE, Map.of(), LIVE_MS).status())
                .isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void aMemberThePrimaryStillHearsFromIsRemovedOnlyWithForce() {
        Map<String, Long> silentFor = Map.of("b", 200L, "c", 60_000L);
        MembershipChange.Next live = new MembershipChange(Kind.REMOVE, "b", false).next(THREE, silentFor, LIVE_MS);
        assertThat(live.status()).isEqualTo(Status.REFUSED);
        assertThat(live.detail()).contains("b is up").contains("force");
        assertThat(live.configuration()).isNull();

        MembershipChange.Next forced = new MembershipChange(Kind.REMOVE, "b", true).next(THREE, silentFor, LIVE_MS);
        assertThat(forced.status()).isEqualTo(Status.PROPOSED);
        assertThat(forced.configuration().voters()).containsOnlyKeys("a", "c");

        MembershipChange.Next silent = new MembershipChange(Kind.REMOVE, "c", false).next(THREE, silentFor, LIVE_MS);
        assertThat(silent.status()).as("silent for a minute: down").isEqualTo(Status.PROPOSED);
        assertThat(silent.configuration().isMember("c")).isFalse();

        assertThat(new MembershipChange(Kind.REMOVE, "z", true).next(THREE, silentFor, LIVE_MS).status())
                .isEqualTo(Status.NOT_FOUND);
    }
}
