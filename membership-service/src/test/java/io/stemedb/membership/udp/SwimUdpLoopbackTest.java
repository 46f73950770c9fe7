package io.stemedb.membership.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.membership.swim.MemberChange;
import io.stemedb.membership.swim.MemberStatus;
import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.swim.SwimConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The protocol over real UDP sockets on loopback: three members converge; one stops without
 * leaving (a crash, as far as the others can tell) and is marked DOWN; it comes back on a new port
 * and is UP again with a higher incarnation. And a graceful leave: its goodbye goes out after the
 * protocol thread has stopped, and the others mark the member DOWN without suspecting it first.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SwimUdpLoopbackTest {

    private final SwimConfig config = SwimConfig.of(Duration.ofMillis(200), Duration.ofMillis(100), Duration.ofMillis(400));
    private final List<SwimUdpRuntime> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        running.forEach(runtime -> runtime.stop(false));
    }

    @Test
    void crashDetectedAndRejoinWithHigherIncarnation() throws Exception {
        SwimUdpRuntime a = start("a", List.of());
        SwimUdpRuntime b = start("b", List.of(a.address()));
        SwimUdpRuntime c = start("c", List.of(a.address()));
        await("everyone sees everyone UP", () -> allUp(a, 2) && allUp(b, 2) && allUp(c, 2));

        c.stop(false);
        await("c marked DOWN by a and b", () -> status(a, "c") == MemberStatus.DEAD && status(b, "c") == MemberStatus.DEAD);

        SwimUdpRuntime c2 = start("c", List.of(a.address()));
        await("c UP again everywhere", () -> status(a, "c") == MemberStatus.ALIVE && status(b, "c") == MemberStatus.ALIVE
                && allUp(c2, 2));
        assertThat(view(a, "c").incarnation()).isPositive();
        assertThat(view(a, "c").address()).isEqualTo(c2.address());
        assertThat(a.malformedDatagrams()).isZero();
    }

    @Test
    void aGracefulLeaveIsSentAfterTheProtocolThreadStopsAndSeenAsDownWithoutSuspicion() throws Exception {
        List<MemberChange> seenByA = new CopyOnWriteArrayList<>();
        SwimUdpRuntime a = start("a", List.of(), seenByA::add);
        SwimUdpRuntime b = start("b", List.of(a.address()));
        await("a and b see each other UP", () -> allUp(a, 1) && allUp(b, 1));
        assertThat(seenByA).as("the listener hears of b joining").anySatisfy(change -> {
            assertThat(change.member().id()).isEqualTo("b");
            assertThat(change.previous()).isNull();
        });

        b.stop(true);
        await("b marked DOWN by a", () -> status(a, "b") == MemberStatus.DEAD);
        assertThat(seenByA).as("b said goodbye: DOWN straight from UP, not after a suspicion timed out")
                .filteredOn(change -> change.member().id().equals("b") && change.member().status() == MemberStatus.DEAD)
                .singleElement().satisfies(change -> assertThat(change.previous()).isEqualTo(MemberStatus.ALIVE));
    }

    @Test
    void aListenerReadsTheChangeItIsToldOfInThePublishedList() throws Exception {
        // A watcher streams members() as soon as it hears of a change: the list it reads then must
        // already hold the change, not the list of the previous tick.
        AtomicReference<SwimUdpRuntime> self = new AtomicReference<>();
        List<String> stale = new CopyOnWriteArrayList<>();
        List<MemberChange> heard = new CopyOnWriteArrayList<>();
        SwimUdpRuntime a = start("a", List.of(), change -> {
            heard.add(change);
            MemberView published = self.get() == null ? null : view(self.get(), change.member().id());
            if (published == null || published.status() != change.member().status()) {
                stale.add(change + " published as " + published);
            }
        });
        self.set(a);
        SwimUdpRuntime b = start("b", List.of(a.address()));
        await("a sees b UP", () -> allUp(a, 1));
        b.stop(true);
        await("a sees b DOWN", () -> status(a, "b") == MemberStatus.DEAD);
        assertThat(heard).as("a heard of b joining and leaving").hasSizeGreaterThanOrEqualTo(2);
        assertThat(stale).as("changes the published list did not show yet").isEmpty();
    }

    private SwimUdpRuntime start(String id, List<String> seeds) {
        return start(id, seeds, change -> {});
    }

    private SwimUdpRuntime start(String id, List<String> seeds, Consumer<MemberChange> listener) {
        SwimUdpRuntime runtime = SwimUdpRuntime.start(id, new InetSocketAddress("127.0.0.1", 0), "127.0.0.1", seeds,
                Map.of("role", "replica"), config, listener);
        running.add(runtime);
        return runtime;
    }

    private static boolean allUp(SwimUdpRuntime runtime, int others) {
        List<MemberView> members = runtime.members();
        return members.size() == others && members.stream().allMatch(member -> member.status() == MemberStatus.ALIVE);
    }

    private static MemberView view(SwimUdpRuntime runtime, String id) {
        return runtime.members().stream().filter(member -> member.id().equals(id)).findFirst().orElse(null);
    }

    private static MemberStatus status(SwimUdpRuntime runtime, String id) {
        MemberView member = view(runtime, id);
        return member == null ? null : member.status();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
