package io.stemedb.membership.swim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic discrete-event simulation of a SWIM cluster: virtual time, a network that loses
 * and delays messages, crashed members (silent), slow members (everything they send or receive is
 * late) and partitions. Every random choice, the network's and each node's, comes from the seed,
 * so a failing schedule replays exactly. Messages travel encoded with {@link SwimCodec}, which is
 * how gossip bytes are counted and the codec exercised.
 *
 * <p>Each node is driven like a real one: after every input (start, tick, receive) its
 * {@link SwimOutput} is drained, its messages go into the simulated network and its changes are
 * recorded as observations. Each node's wall clock is simulated too: virtual time from a fixed
 * epoch plus a per-member skew ({@link #skewWallClock}), so clock-offset estimates are checkable.
 * A test that calls an input on a {@link #node} directly must {@link #flush} it afterwards.
 */
final class SimulatedCluster {

    static final long TICK_MS = 10;
    /** Where the simulated wall clocks start (2026-09-21), so acks carry realistic wall times. */
    static final long WALL_EPOCH_MILLIS = 1_790_000_000_000L;

    private final Random network;
    private final Map<String, SwimNode> nodes = new LinkedHashMap<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Set<String> crashed = new HashSet<>();
    private final Map<String, long[]> slow = new HashMap<>();
    private final Set<String> partitionedAway = new HashSet<>();
    private final List<Observation> observations = new ArrayList<>();
    private final Map<String, Long> bytesSent = new HashMap<>();
    private final Map<String, Long> wallClockSkew = new HashMap<>();
    private double loss;
    private long now;
    private long order;

    /** What one member concluded about another, and when. */
    record Observation(String observer, String member, MemberStatus status, long at) {}

    private record Event(long at, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
        }
    }

    SimulatedCluster(long seed, int size, SwimConfig config, double loss) {
        this.network = new Random(seed);
        this.loss = loss;
        for (int i = 0; i < size; i++) {
            String id = "m" + i;
            Random random = new Random(seed * 1_000_003L + i);
            SwimNode node = new SwimNode(id, id, config, random, () -> wallClock(id));
            nodes.put(id, node);
        }
        // Everyone joins through m0, a little apart, and every node ticks every TICK_MS.
        int i = 0;
        for (SwimNode node : nodes.values()) {
            long startAt = i++ * 7L;
            schedule(startAt, () -> {
                node.start(List.of("m0"), Map.of("role", "replica"), now);
                flush(node);
            });
            scheduleTicks(node, startAt);
        }
    }

    private void scheduleTicks(SwimNode node, long from) {
        schedule(from, new Runnable() {
            @Override
            public void run() {
                if (!crashed.contains(node.id())) {
                    node.tick(now);
                    flush(node);
                }
                schedule(now + TICK_MS, this);
            }
        });
    }

    /** Carries out what {@code node} asked for since its last input. */
    void flush(SwimNode node) {
        SwimOutput output = node.drain();
        for (Envelope envelope : output.messages()) {
            send(node.id(), envelope.address(), envelope.message());
        }
        for (MemberChange change : output.changes()) {
            observations.add(new Observation(node.id(), change.member().id(), change.member().status(), change.at()));
        }
    }

    private long wallClock(String member) {
        return WALL_EPOCH_MILLIS + now + wallClockSkew.getOrDefault(member, 0L);
    }

    private void send(String from, String to, SwimMessage message) {
        if (crashed.contains(from)) {
            return;
        }
        byte[] wire = SwimCodec.encode(message);
        bytesSent.merge(from, (long) wire.length, Long::sum);
        if (network.nextDouble() < loss || partitionedAway.contains(from) != partitionedAway.contains(to)) {
            return;
        }
        long delay = 1 + network.nextInt(5) + slowness(from) + slowness(to);
        schedule(now + delay, () -> {
            SwimNode target = nodes.get(to);
            if (target != null && !crashed.contains(to)) {
                target.receive(SwimCodec.decode(wire, wire.length), now);
                flush(target);
            }
        });
    }

    private long slowness(String member) {
        long[] range = slow.get(member);
        return range == null ? 0 : range[0] + (long) (network.nextDouble() * (range[1] - range[0]));
    }

    private void schedule(long at, Runnable action) {
        events.add(new Event(at, order++, action));
    }

    void runUntil(long until) {
        while (!events.isEmpty() && events.peek().at() <= until) {
            Event next = events.poll();
            now = next.at();
            next.action().run();
        }
        now = until;
    }

    void crash(String member) {
        crashed.add(member);
    }

    /** Every message to or from the member takes an extra {@code minMs}–{@code maxMs}. */
    void slowDown(String member, long minMs, long maxMs) {
        slow.put(member, new long[] {minMs, maxMs});
    }

    /** The member's wall clock runs {@code millis} ahead of the simulated time (behind if negative). */
    void skewWallClock(String member, long millis) {
        wallClockSkew.put(member, millis);
    }

    void partition(Set<String> side) {
        partitionedAway.clear();
        partitionedAway.addAll(side);
    }

    void heal() {
        partitionedAway.clear();
    }

    long now() {
        return now;
    }

    SwimNode node(String id) {
        return nodes.get(id);
    }

    List<String> ids() {
        return new ArrayList<>(nodes.keySet());
    }

    boolean isCrashed(String id) {
        return crashed.contains(id);
    }

    List<Observation> observations() {
        return observations;
    }

    long bytesSentBy(String id) {
        return bytesSent.getOrDefault(id, 0L);
    }
}
