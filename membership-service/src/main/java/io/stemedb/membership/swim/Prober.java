package io.stemedb.membership.swim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * SWIM's failure detector at this node (section 3.1): once per protocol period a direct
 * {@code Ping} to the next member of the round-robin; without an {@code Ack} within the probe
 * timeout, a {@code PingReq} to {@code indirectProbes} others, which ping the target on this
 * node's behalf; without any ack by the end of the period, the target is reported as unanswered
 * (the caller suspects it). Also relays the indirect probes other members ask of this node.
 *
 * <p>Lifeguard: timeouts and the period are stretched by the {@link LocalHealth} score; an
 * intermediary that gets no answer either sends a {@code Nack}, and a prober whose probe fails
 * without the expected nacks raises its own score (its messages may not be getting through).
 *
 * <p>A direct ack also carries the target's wall clock, which gives an NTP-style estimate of the
 * clock offset between the two nodes.
 */
final class Prober {

    /** The probe of the current period. */
    private static final class Probe {
        final String target;
        final long seq;
        final long ackDeadline;
        final long periodEnd;
        final long sentWallMillis;
        boolean indirectSent;
        int expectedNacks;
        int nacks;

        Probe(String target, long seq, long ackDeadline, long periodEnd, long sentWallMillis) {
            this.target = target;
            this.seq = seq;
            this.ackDeadline = ackDeadline;
            this.periodEnd = periodEnd;
            this.sentWallMillis = sentWallMillis;
        }
    }

    /** An indirect probe this node runs for {@code requester}, answered by ack or, at the deadline, nack. */
    private record Relay(String requester, String requesterAddress, long requesterSeq, long deadline) {}

    private final SwimConfig config;
    private final MemberTable members;
    private final LocalHealth health;
    private final Outbox outbox;
    private final LongSupplier wallClock;
    private final Map<Long, Relay> relays = new HashMap<>();
    private Probe probe;
    private long nextProbeAt;

    Prober(SwimConfig config, MemberTable members, LocalHealth health, Outbox outbox, LongSupplier wallClock) {
        this.config = config;
        this.members = members;
        this.health = health;
        this.outbox = outbox;
        this.wallClock = wallClock;
    }

    /** The first probe goes out one period after {@code now}. */
    void start(long now) {
        nextProbeAt = now + config.probeInterval().toMillis();
    }

    /**
     * Moves the current probe on: the indirect probes once the ack is late, the verdict at the end
     * of the period.
     *
     * @return the target if it answered no probe, direct or indirect, in the whole period; else null
     */
    Member checkProbe(long now) {
        if (probe == null) {
            return null;
        }
        Member target = members.get(probe.target);
        if (target == null || target.status == MemberStatus.DEAD) {
            probe = null;
            return null;
        }
        if (!probe.indirectSent && now >= probe.ackDeadline) {
            probe.indirectSent = true;
            String targetId = probe.target;
            List<Member> helpers = members.random(config.indirectProbes(),
                    member -> member.status == MemberStatus.ALIVE && !member.id.equals(targetId));
            probe.expectedNacks = helpers.size();
            for (Member helper : helpers) {
                outbox.pingReq(helper.address, helper.id, probe.seq, target);
            }
        }
        if (now < probe.periodEnd) {
            return null;
        }
        if (probe.nacks < probe.expectedNacks || probe.expectedNacks == 0) {
            // Missing nacks: the helpers could not answer us either; the trouble may be ours.
            health.raise();
        }
        probe = null;
        return target;
    }

    /** Starts the next period's probe when it is due and none is running. */
    void probeIfDue(long now) {
        if (probe != null || now < nextProbeAt) {
            return;
        }
        Member target = members.nextProbeTarget();
        long period = health.scale(config.probeInterval().toMillis());
        nextProbeAt = now + period;
        if (target == null) {
            return;
        }
        long sentWall = wallClock.getAsLong();
        long seq = outbox.ping(target.address, target.id);
        probe = new Probe(target.id, seq, now + health.scale(config.probeTimeout().toMillis()), now + period, sentWall);
    }

    void onAck(SwimMessage.Ack ack) {
        Relay relay = relays.remove(ack.seq());
        if (relay != null) {
            // Relayed without a wall clock: the requester cannot time a round trip it did not make.
            outbox.ack(relay.requesterAddress(), relay.requester(), relay.requesterSeq(), 0);
            return;
        }
        if (probe == null || probe.seq != ack.seq()) {
            return;
        }
        Member target = members.get(probe.target);
        if (target != null && ack.from().equals(target.id) && ack.wallMillis() != 0) {
            // NTP-style: the responder's clock minus the midpoint of ours around the round trip.
            long received = wallClock.getAsLong();
            target.recordClockOffset(ack.wallMillis() - (probe.sentWallMillis + received) / 2);
        }
        probe = null;
        health.lower();
    }

    void onNack(SwimMessage.Nack nack) {
        if (probe != null && probe.seq == nack.seq()) {
            probe.nacks++;
        }
    }

    /** Pings {@code request}'s target on the requester's behalf; the answer goes back under the requester's seq. */
    void relay(SwimMessage.PingReq request, long now) {
        long seq = outbox.ping(request.targetAddress(), request.target());
        relays.put(seq, new Relay(request.from(), request.fromAddress(), request.seq(),
                now + config.probeTimeout().toMillis()));
    }

    /** Nacks every relayed probe whose target did not answer in time. */
    void expireRelays(long now) {
        relays.entrySet().removeIf(entry -> {
            Relay relay = entry.getValue();
            if (now < relay.deadline()) {
                return false;
            }
            outbox.nack(relay.requesterAddress(), relay.requester(), relay.requesterSeq());
            return true;
        });
    }
}
