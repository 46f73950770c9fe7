package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-node rules of the protocol, driven by hand, plus small simulated clusters. */
class SwimNodeTest {

    private static final long WALL = 1_790_000_000_000L;

    private final SwimNode node = new SwimNode("a", "addr-a", SwimConfig.defaults(), new Random(1), () -> WALL);

    @Test
    void aSuspicionAboutItselfIsRefutedWithAHigherIncarnation() {
        node.start(List.of(), Map.of(), 0);
        node.receive(new SwimMessage.Ping(7, "b", "addr-b",
                List.of(new Update("a", "addr-a", 0, MemberStatus.SUSPECT, "b", Map.of()))), 10);
        assertThat(node.incarnation()).isEqualTo(1);
        assertThat(node.localHealth()).as("being suspected hints this node is the slow one").isEqualTo(1);
        List<Envelope> sent = node.drain().messages();
        SwimMessage.Ack ack = (SwimMessage.Ack) sent.get(sent.size() - 1).message();
        assertThat(sent.get(sent.size() - 1).address()).isEqualTo("addr-b");
        assertThat(ack.seq()).isEqualTo(7);
        assertThat(ack.updates()).contains(new Update("a", "addr-a", 1, MemberStatus.ALIVE, "a", Map.of()));
    }

    @Test
    void incarnationsOrderTheFacts() {
        node.start(List.of(), Map.of(), 0);
        node.receive(gossip(new Update("b", "addr-b", 3, MemberStatus.ALIVE, "b", Map.of())), 1);
        node.receive(gossip(new Update("b", "addr-b", 2, MemberStatus.SUSPECT, "c", Map.of())), 2);
        assertThat(node.member("b").status()).as("an older suspicion loses").isEqualTo(MemberStatus.ALIVE);
        node.receive(gossip(new Update("b", "addr-b", 3, MemberStatus.SUSPECT, "c", Map.of())), 3);
        assertThat(node.member("b").status()).as("a suspicion at the same incarnation wins").isEqualTo(MemberStatus.SUSPECT);
        node.receive(gossip(new Update("b", "addr-b", 4, MemberStatus.ALIVE, "b", Map.of())), 4);
        assertThat(node.member("b").status()).as("a refutation wins").isEqualTo(MemberStatus.ALIVE);
        node.receive(gossip(new Update("b", "addr-b", 4, MemberStatus.DEAD, "c", Map.of())), 5);
        assertThat(node.member("b").status()).isEqualTo(MemberStatus.DEAD);
        node.receive(gossip(new Update("b", "addr-b", 4, MemberStatus.ALIVE, "b", Map.of())), 6);
        assertThat(node.member("b").status()).as("only a higher incarnation revives").isEqualTo(MemberStatus.DEAD);
        node.receive(gossip(new Update("b", "addr-b", 5, MemberStatus.ALIVE, "b", Map.of())), 7);
        assertThat(node.member("b").status()).isEqualTo(MemberStatus.ALIVE);
    }

    @Test
    void moreIndependentSuspectersShortenTheSuspicion() {
        node.start(List.of(), Map.of(), 0);
        for (String id : List.of("b", "c", "d", "e", "f")) {
            node.receive(gossip(new Update(id, "addr-" + id, 0, MemberStatus.ALIVE, id, Map.of())), 1);
        }
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "c", Map.of())), 100);
        node.tick(100 + 3_999);
        assertThat(node.member("b").status()).as("one suspecter: the longest timeout, 4 s").isEqualTo(MemberStatus.SUSPECT);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "d", Map.of())), 4_100);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "e", Map.of())), 4_100);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "f", Map.of())), 4_100);
        node.tick(4_101);
        assertThat(node.member("b").status()).isEqualTo(MemberStatus.DEAD);
    }

    @Test
    void theCodecRoundTripsEveryMessage() {
        List<Update> updates = List.of(new Update("b", "10.0.0.2:18183", 9, MemberStatus.SUSPECT, "c",
                Map.of("role", "replica", "api", "10.0.0.2:18180")));
        for (SwimMessage message : List.of(
                new SwimMessage.Ping(1, "a", "x", updates), new SwimMessage.Ack(2, "a", "x", List.of(), 1_790_000_000_123L),
                new SwimMessage.PingReq(3, "t", "ta", "a", "x", updates), new SwimMessage.Nack(4, "a", "x", updates),
                new SwimMessage.Join("a", "x", updates), new SwimMessage.JoinReply("a", "x", updates),
                new SwimMessage.Gossip("a", "x", updates))) {
            byte[] wire = SwimCodec.encode(message);
            assertThat(SwimCodec.decode(wire, wire.length)).isEqualTo(message);
        }
    }

    @Test
    void aPartitionedPairIsDeclaredDownAndComesBackUpAfterTheHeal() {
        SimulatedCluster cluster = new SimulatedCluster(42, 10, SwimConfig.defaults(), 0.01);
        cluster.runUntil(10_000);
        cluster.partition(Set.of("m7", "m8"));
        cluster.runUntil(30_000);
        assertThat(cluster.node("m1").member("m7").status()).isEqualTo(MemberStatus.DEAD);
        assertThat(cluster.node("m7").member("m1").status()).isEqualTo(MemberStatus.DEAD);
        assertThat(cluster.node("m7").member("m8").status()).as("same side").isEqualTo(MemberStatus.ALIVE);
        cluster.heal();
        cluster.runUntil(70_000);
        for (String id : cluster.ids()) {
            assertThat(cluster.node(id).members()).as("%s after the heal", id)
                    .allMatch(member -> member.status() == MemberStatus.ALIVE);
        }
        assertThat(cluster.node("m1").member("m7").incarnation()).as("m7 refuted its death").isPositive();
    }

    @Test
    void aLostJoinIsRetried() {
        SimulatedCluster cluster = new SimulatedCluster(7, 5, SwimConfig.defaults(), 0.4);
        cluster.runUntil(30_000);
        for (String id : cluster.ids()) {
            assertThat(cluster.node(id).members()).as(id).hasSize(4);
        }
    }

    @Test
    void everyInputOnlyBuffersItsOutputUntilTheCallerDrainsIt() {
        node.start(List.of("addr-seed", "addr-a"), Map.of("role", "replica"), 0);
        SwimOutput started = node.drain();
        assertThat(started.messages()).as("a join to the seed, none to itself").singleElement()
                .satisfies(envelope -> {
                    assertThat(envelope.address()).isEqualTo("addr-seed");
                    assertThat(envelope.message()).isInstanceOf(SwimMessage.Join.class);
                });
        assertThat(node.drain().isEmpty()).as("drained once").isTrue();
        node.tick(999);
        assertThat(node.drain().isEmpty()).as("nothing due before the first period ends").isTrue();
        node.tick(1_000);
        assertThat(node.drain().messages()).as("the join is retried every period until a seed answers")
                .extracting(Envelope::address).containsExactly("addr-seed");
    }

    @Test
    void membershipChangesAreDrainedInTheOrderTheyHappened() {
        node.start(List.of(), Map.of(), 0);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.ALIVE, "b", Map.of())), 5);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "c", Map.of())), 6);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.DEAD, "c", Map.of())), 7);
        List<MemberChange> changes = node.drain().changes();
        assertThat(changes).extracting(change -> change.member().id()).containsExactly("b", "c", "b", "b");
        assertThat(changes).extracting(MemberChange::previous)
                .containsExactly(null, null, MemberStatus.ALIVE, MemberStatus.SUSPECT);
        assertThat(changes).extracting(change -> change.member().status())
                .containsExactly(MemberStatus.ALIVE, MemberStatus.ALIVE, MemberStatus.SUSPECT, MemberStatus.DEAD);
        assertThat(changes).extracting(MemberChange::at).containsExactly(5L, 6L, 6L, 7L);
        assertThat(node.drain().changes()).isEmpty();
    }

    @Test
    void aNewSuspicionIsCheckedByPingingTheSuspectWithTheSuspicionAboard() {
        node.start(List.of(), Map.of(), 0);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.ALIVE, "b", Map.of())), 1);
        node.drain();
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "c", Map.of())), 2);
        assertThat(node.drain().messages()).singleElement().satisfies(envelope -> {
            assertThat(envelope.address()).isEqualTo("addr-b");
            assertThat(envelope.message()).isInstanceOf(SwimMessage.Ping.class);
            assertThat(envelope.message().updates())
                    .contains(new Update("b", "addr-b", 0, MemberStatus.SUSPECT, "c", Map.of()));
        });
    }

    @Test
    void aGracefulLeaveSaysGoodbyeToEveryMemberNotDeadAndThenIgnoresInputs() {
        node.start(List.of(), Map.of(), 0);
        for (String id : List.of("b", "c", "d")) {
            node.receive(gossip(new Update(id, "addr-" + id, 0, MemberStatus.ALIVE, id, Map.of())), 1);
        }
        node.receive(gossip(new Update("d", "addr-d", 0, MemberStatus.DEAD, "b", Map.of())), 2);
        node.drain();
        node.leave(3);
        List<Envelope> goodbyes = node.drain().messages();
        assertThat(goodbyes).extracting(Envelope::address).containsExactly("addr-b", "addr-c");
        assertThat(goodbyes).allSatisfy(envelope -> assertThat(envelope.message().updates())
                .containsExactly(new Update("a", "addr-a", 0, MemberStatus.DEAD, "a", Map.of())));
        node.tick(10_000);
        node.receive(new SwimMessage.Ping(1, "b", "addr-b", List.of()), 10_001);
        assertThat(node.drain().isEmpty()).isTrue();
    }

    @Test
    void theClockOffsetIsTheAckersWallClockMinusTheMidpointOfOurs() {
        long[] wall = {WALL};
        SwimNode prober = new SwimNode("a", "addr-a", SwimConfig.defaults(), new Random(1), () -> wall[0]);
        prober.start(List.of(), Map.of(), 0);
        prober.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.ALIVE, "b", Map.of())), 1);
        prober.drain();
        prober.tick(1_000);
        Envelope probe = prober.drain().messages().stream()
                .filter(envelope -> envelope.message() instanceof SwimMessage.Ping).findFirst().orElseThrow();
        assertThat(probe.address()).isEqualTo("addr-b");
        long seq = ((SwimMessage.Ping) probe.message()).seq();
        assertThat(prober.member("b").clockOffsetMillis()).as("not measured before an ack").isNull();

        wall[0] = WALL + 10; // a 10 ms round trip; b answered half-way with its clock 3 s ahead
        prober.receive(new SwimMessage.Ack(seq, "b", "addr-b", List.of(), WALL + 5 + 3_000), 1_010);
        assertThat(prober.member("b").clockOffsetMillis()).isEqualTo(3_000L);
    }

    @Test
    void anAcknowledgedPingCarriesTheAckersWallClock() {
        node.start(List.of(), Map.of(), 0);
        node.receive(new SwimMessage.Ping(3, "b", "addr-b", List.of()), 1);
        assertThat(node.drain().messages()).singleElement()
                .satisfies(envelope -> assertThat(((SwimMessage.Ack) envelope.message()).wallMillis()).isEqualTo(WALL));
    }

    @Test
    void anOperatorsRemovalIsReportedAsDeadAndForgotten() {
        node.start(List.of(), Map.of(), 0);
        node.receive(gossip(new Update("b", "addr-b", 0, MemberStatus.ALIVE, "b", Map.of())), 1);
        node.drain();
        assertThat(node.remove("b", 2)).isTrue();
        assertThat(node.remove("nobody", 2)).isFalse();
        assertThat(node.drain().changes()).singleElement().satisfies(change -> {
            assertThat(change.member().status()).isEqualTo(MemberStatus.DEAD);
            assertThat(change.previous()).isEqualTo(MemberStatus.ALIVE);
        });
        assertThat(node.member("b")).isNull();
    }

    private static SwimMessage gossip(Update update) {
        return new SwimMessage.Gossip(update.from(), "addr-" + update.from(), List.of(update));
    }
}
