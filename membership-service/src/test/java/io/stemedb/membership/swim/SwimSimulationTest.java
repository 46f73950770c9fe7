package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SWIM + Lifeguard under seeded simulation: 50 members, message loss, one member crashed and one
 * slowed. Across every seed: every live member marks the crashed one DOWN, and no live member is
 * ever marked DOWN by a live member (the slow one included). Prints the detection-time
 * distribution and gossip bytes per member per second.
 *
 * <p>{@code -Dswim.seeds=N} runs more seeds (CI runs the default, 100 per loss level).
 */
class SwimSimulationTest {

    static final int MEMBERS = 50;
    static final long CRASH_AT = 20_000;
    static final long RUN_UNTIL = 50_000;

    @ParameterizedTest(name = "loss {0}")
    @ValueSource(doubles = {0.0, 0.05, 0.10})
    void crashedMemberIsDetectedAndNoLiveMemberIsEverDeclaredDead(double loss) {
        int seeds = Integer.getInteger("swim.seeds", 100);
        List<Long> detections = new ArrayList<>();
        long suspicionsOfLiveMembers = 0;
        long bytes = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            SimulatedCluster cluster = new SimulatedCluster(seed * 7919 + (long) (loss * 1000), MEMBERS, SwimConfig.defaults(), loss);
            String victim = "m" + (1 + seed % (MEMBERS - 1));
            String slowOne = "m" + (1 + (seed + 17) % (MEMBERS - 1));
            cluster.slowDown(slowOne, 150, 600);
            cluster.runUntil(CRASH_AT);
            for (String id : cluster.ids()) {
                assertThat(cluster.node(id).members()).as("seed %d: %s knows everyone before the crash", seed, id)
                        .hasSize(MEMBERS - 1);
            }
            cluster.crash(victim);
            cluster.runUntil(RUN_UNTIL);

            for (SimulatedCluster.Observation seen : cluster.observations()) {
                boolean observerLive = !cluster.isCrashed(seen.observer());
                boolean memberLive = !seen.member().equals(victim);
                if (observerLive && memberLive) {
                    assertThat(seen.status()).as("seed %d loss %.2f: %s declared live %s dead at %d ms", seed, loss,
                            seen.observer(), seen.member(), seen.at()).isNotEqualTo(MemberStatus.DEAD);
                    if (seen.status() == MemberStatus.SUSPECT) {
                        suspicionsOfLiveMembers++;
                    }
                }
            }
            for (String id : cluster.ids()) {
                if (id.equals(victim)) {
                    continue;
                }
                MemberView view = cluster.node(id).member(victim);
                assertThat(view.status()).as("seed %d loss %.2f: %s sees the crashed %s", seed, loss, id, victim)
                        .isEqualTo(MemberStatus.DEAD);
                detections.add(firstDead(cluster, id, victim) - CRASH_AT);
                bytes += cluster.bytesSentBy(id);
            }
        }
        Collections.sort(detections);
        double bytesPerMemberSecond = bytes / (double) ((MEMBERS - 1) * seeds) / (RUN_UNTIL / 1000.0);
        System.out.printf("SWIM simulation: %d members, loss %.0f%%, %d seeds: detection of a crash (all observers) "
                        + "p50 %d ms, p90 %d ms, p99 %d ms, max %d ms; false DOWN 0; suspicions of live members %.1f per seed; "
                        + "gossip %.0f bytes/member/s%n",
                MEMBERS, loss * 100, seeds, percentile(detections, 50), percentile(detections, 90),
                percentile(detections, 99), detections.get(detections.size() - 1),
                suspicionsOfLiveMembers / (double) seeds, bytesPerMemberSecond);
    }

    /**
     * NTP-style offsets under simulated clocks: one member's wall clock runs 3 s ahead, another's
     * 1.5 s behind, and every member's estimate of every other's offset must be the difference of
     * their skews, give or take half the asymmetry of a round trip (delays are 1-5 ms each way).
     */
    @Test
    void clockOffsetEstimatesRecoverEachMembersWallClockSkew() {
        Map<String, Long> skews = Map.of("m3", 3_000L, "m6", -1_500L);
        for (long seed = 1; seed <= 20; seed++) {
            SimulatedCluster cluster = new SimulatedCluster(seed, 10, SwimConfig.defaults(), 0.05);
            skews.forEach(cluster::skewWallClock);
            cluster.runUntil(60_000);
            for (String observer : cluster.ids()) {
                for (String member : cluster.ids()) {
                    if (member.equals(observer)) {
                        continue;
                    }
                    long expected = skews.getOrDefault(member, 0L) - skews.getOrDefault(observer, 0L);
                    assertThat(cluster.node(observer).member(member).clockOffsetMillis())
                            .as("seed %d: %s's estimate of %s's clock offset (expected %d ms)", seed, observer, member,
                                    expected)
                            .isNotNull().isCloseTo(expected, within(25L));
                }
            }
        }
    }

    private static long firstDead(SimulatedCluster cluster, String observer, String member) {
        return cluster.observations().stream()
                .filter(seen -> seen.observer().equals(observer) && seen.member().equals(member)
                        && seen.status() == MemberStatus.DEAD)
                .mapToLong(SimulatedCluster.Observation::at).min().orElseThrow();
    }

    static long percentile(List<Long> sorted, double percentile) {
        int at = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, at)));
    }
}
