package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SWIM's round-robin probe order (section 4.3). */
class ProbeOrderTest {

    private final Random random = new Random(3);

    @Test
    void everyMemberIsProbedExactlyOncePerRound() {
        ProbeOrder order = new ProbeOrder();
        List<String> ids = List.of("b", "c", "d", "e", "f");
        for (int round = 0; round < 3; round++) {
            assertThat(order.roundOver()).isTrue();
            order.newRound(ids, random);
            List<String> probed = new ArrayList<>();
            while (!order.roundOver()) {
                probed.add(order.next());
            }
            assertThat(probed).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void aMemberLearntMidRoundIsProbedBeforeTheRoundEnds() {
        for (int trial = 0; trial < 50; trial++) {
            ProbeOrder order = new ProbeOrder();
            order.newRound(List.of("b", "c", "d", "e"), random);
            List<String> probed = new ArrayList<>(List.of(order.next(), order.next()));
            order.insert("new", random);
            while (!order.roundOver()) {
                probed.add(order.next());
            }
            assertThat(probed.subList(2, probed.size())).as("trial %d", trial).contains("new").hasSize(3);
        }
    }
}
