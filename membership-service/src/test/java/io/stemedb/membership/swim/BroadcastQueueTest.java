package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dissemination rules: the retransmit limit, what replaces what, and what goes first. */
class BroadcastQueueTest {

    private final BroadcastQueue queue = new BroadcastQueue(4);

    @Test
    void theRetransmitLimitIsTheMultiplierTimesCeilLog10OfTheClusterSizePlusOne() {
        assertThat(queue.retransmitLimit(1)).as("ceil(log10 2) = 1").isEqualTo(4);
        assertThat(queue.retransmitLimit(9)).as("ceil(log10 10) = 1").isEqualTo(4);
        assertThat(queue.retransmitLimit(10)).as("ceil(log10 11) = 2").isEqualTo(8);
        assertThat(queue.retransmitLimit(99)).as("ceil(log10 100) = 2").isEqualTo(8);
        assertThat(queue.retransmitLimit(100)).as("ceil(log10 101) = 3").isEqualTo(12);
    }

    @Test
    void anUpdateIsSentExactlyTheRetransmitLimitTimesAndThenDropped() {
        Update alive = update("b", 1, MemberStatus.ALIVE, "b");
        queue.enqueue(alive);
        int sends = 0;
        while (!queue.take("x", 16, 10).isEmpty()) {
            sends++;
        }
        assertThat(sends).isEqualTo(8);
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void anAliveOrDeadFactReplacesEveryWaitingFactAboutTheSameMember() {
        queue.enqueue(update("b", 1, MemberStatus.SUSPECT, "c"));
        queue.enqueue(update("b", 1, MemberStatus.SUSPECT, "d"));
        queue.enqueue(update("e", 0, MemberStatus.ALIVE, "e"));
        queue.enqueue(update("b", 2, MemberStatus.ALIVE, "b"));
        assertThat(queue.take("x", 16, 10)).containsExactlyInAnyOrder(update("b", 2, MemberStatus.ALIVE, "b"),
                update("e", 0, MemberStatus.ALIVE, "e"));

        queue.enqueue(update("b", 2, MemberStatus.DEAD, "c"));
        assertThat(queue.take("x", 16, 10)).as("the dead fact replaced b's alive one")
                .containsExactly(update("b", 2, MemberStatus.DEAD, "c"), update("e", 0, MemberStatus.ALIVE, "e"));
    }

    @Test
    void suspicionsOfOneMemberByDifferentAccusersWaitSideBySide() {
        queue.enqueue(update("b", 1, MemberStatus.SUSPECT, "c"));
        queue.enqueue(update("b", 1, MemberStatus.SUSPECT, "d"));
        assertThat(queue.size()).isEqualTo(2);
    }

    @Test
    void aSuspicionReplacesOnlyTheEarlierOneByTheSameAccuser() {
        queue.enqueue(update("b", 1, MemberStatus.ALIVE, "b"));
        queue.enqueue(update("b", 1, MemberStatus.SUSPECT, "c"));
        queue.enqueue(update("b", 2, MemberStatus.SUSPECT, "c"));
        assertThat(queue.take("x", 16, 10)).containsExactlyInAnyOrder(update("b", 1, MemberStatus.ALIVE, "b"),
                update("b", 2, MemberStatus.SUSPECT, "c"));
    }

    @Test
    void updatesAboutTheRecipientGoFirstThenTheLeastSentThenTheNewest() {
        queue.enqueue(update("old", 0, MemberStatus.ALIVE, "old"));
        queue.take("x", 16, 10); // "old" has now been sent once
        queue.enqueue(update("b", 0, MemberStatus.ALIVE, "b"));
        queue.enqueue(update("c", 0, MemberStatus.ALIVE, "c"));
        queue.enqueue(update("r", 0, MemberStatus.SUSPECT, "c"));
        assertThat(queue.take("r", 16, 10)).extracting(Update::id).containsExactly("r", "c", "b", "old");
    }

    @Test
    void noMoreUpdatesThanTheRoomOnTheMessage() {
        for (String id : List.of("b", "c", "d")) {
            queue.enqueue(update(id, 0, MemberStatus.ALIVE, id));
        }
        assertThat(queue.take("x", 2, 10)).hasSize(2);
        assertThat(queue.take("x", 0, 10)).isEmpty();
    }

    private static Update update(String id, long incarnation, MemberStatus status, String from) {
        return new Update(id, "addr-" + id, incarnation, status, from, Map.of());
    }
}
