package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Single-node rules of the protocol, driven by hand, plus small simulated clusters. */
class SwimNodeTest {

    private final List<SwimMessage> sent = new ArrayList<>();
    private final SwimNode node = new SwimNode("a", "addr-a", SwimConfig.defaults(), new Random(1),
            (address, message) -> sent.add(message), SwimListener.NONE);

    @Test
    void aSuspicionAboutItselfIsRefutedWithAHigherIncarnation() {
        node.start(List.of(), Map.of(), 0);
        node.receive(new SwimMessage.Ping(7, "b", "addr-b",
                List.of(new Update("a", "addr-a", 0, MemberStatus.SUSPECT, "b", Map.of()))), 10);
        assertThat(node.incarnation()).isEqualTo(1);
        assertThat(node.localHealth()).as("being suspected hints this node is the slow one").isEqualTo(1);
        SwimMessage.Ack ack = (SwimMessage.Ack) sent.get(sent.size() - 1);
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

    private static SwimMessage gossip(Update update) {
        return new SwimMessage.Gossip(update.from(), "addr-" + update.from(), List.of(update));
    }
}
