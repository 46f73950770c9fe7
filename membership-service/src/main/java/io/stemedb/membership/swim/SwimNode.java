package io.stemedb.membership.swim;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * One member's side of SWIM (Das, Gupta, Motivala 2002) with the Lifeguard refinements (Dadgar,
 * Phillips, Currey 2018), as a deterministic state machine in the manner of etcd-raft: no sockets,
 * threads or timers inside. Every input ({@link #start}, {@link #tick}, {@link #receive},
 * {@link #updateMetadata}, {@link #remove}, {@link #leave}) only changes state and buffers what the
 * caller must do; the caller takes that out with {@link #drain()} (messages to send, membership
 * changes to publish) after each input. Given the same inputs it does the same thing, which is
 * what lets a simulation replay any schedule from its seed.
 *
 * <h2>Time</h2>
 * Protocol time comes in only as {@code now} (milliseconds on any monotonic clock) on the inputs;
 * every timeout, period and suspicion runs on it. The wall clock is injected and serves a single
 * measurement, NTP-style clock offsets between members ({@link SwimMessage.Ack#wallMillis},
 * {@link MemberView#clockOffsetMillis}); it is read only while an input is handled (a probe going
 * out, a ping being answered, an ack coming in) and never decides anything. It is injected, like the
 * {@link Random}, rather than passed with each input: every input then carries a single time, the
 * protocol's, and a caller cannot mix the two clocks up. A simulation injects a simulated wall
 * clock with whatever skew it wants to test.
 *
 * <h2>Failure detection</h2>
 * Every protocol period the node probes the next member of a shuffled round-robin list: a direct
 * {@code Ping}; without an {@code Ack} within the probe timeout, {@code PingReq} to
 * {@code indirectProbes} others; without any ack by the end of the period, the target becomes
 * SUSPECT ({@link Prober}). A suspicion that is not refuted (the suspect raising its incarnation)
 * within the suspicion timeout makes it DEAD ({@link Suspicion}, {@link MemberTable}).
 *
 * <h2>Lifeguard</h2>
 * <ul>
 *   <li><b>Local health</b> ({@link LocalHealth}): failed probes without nacks, and suspicions
 *       about this node itself, raise a multiplier that stretches this node's probe timeout and
 *       period; successful probes lower it. A slow or overloaded member thus probes more patiently
 *       instead of accusing healthy ones.</li>
 *   <li><b>Nacks</b>: an intermediary that gets no answer either says so; a prober that receives
 *       nacks knows its own messages get through.</li>
 *   <li><b>Dynamic suspicion</b>: a suspicion starts at {@code suspicionMaxMultiplier} times the
 *       minimum and shrinks towards it as independent members confirm it.</li>
 * </ul>
 *
 * <h2>Dissemination</h2>
 * Membership updates ride piggyback on every message, the least-sent first, each up to
 * {@code retransmitMultiplier * ceil(log10(n + 1))} times ({@link BroadcastQueue}); they are also
 * pushed to a few random members every gossip interval, and full state is exchanged with one
 * random member every {@link #SYNC_PERIODS} periods.
 */
public final class SwimNode {

    /** Protocol periods between two push-pull exchanges of full state. */
    static final int SYNC_PERIODS = 10;

    private final SwimConfig config;
    private final LocalMember self;
    private final LocalHealth health;
    private final BroadcastQueue broadcasts;
    private final MemberTable members;
    private final Outbox outbox;
    private final Prober prober;
    private final LongSupplier wallClock;
    private List<String> seeds = List.of();
    private boolean joined;
    private boolean left;
    private long nextJoinAt;
    private long nextSyncAt;
    private long nextGossipAt;

    /**
     * @param random    every random choice (probe order, helpers, gossip targets) comes from it
     * @param wallClock the wall clock in milliseconds since the epoch, read only to measure clock
     *     offsets between members (see the class comment)
     */
    public SwimNode(String selfId, String selfAddress, SwimConfig config, Random random, LongSupplier wallClock) {
        this.config = config;
        this.wallClock = wallClock;
        this.self = new LocalMember(selfId, selfAddress);
        this.health = new LocalHealth(config.maxLocalHealth());
        this.broadcasts = new BroadcastQueue(config.retransmitMultiplier());
        this.members = new MemberTable(self, config, random, broadcasts, health);
        this.outbox = new Outbox(self, members, broadcasts, config.maxPiggybackUpdates());
        this.prober = new Prober(config, members, health, outbox, wallClock);
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs

    /** Starts: asks each seed to let this node join (a seed that is this node itself is skipped). */
    public void start(List<String> seedAddresses, Map<String, String> metadata, long now) {
        self.setMetadata(metadata);
        seeds = seedAddresses.stream().filter(seed -> !seed.equals(self.address())).toList();
        joined = seeds.isEmpty();
        prober.start(now);
        nextSyncAt = now + SYNC_PERIODS * config.probeInterval().toMillis();
        askSeedsToJoin(now);
    }

    /** Advances timers: joining, sync, gossip, relays, suspicions, probes. Call every few milliseconds. */
    public void tick(long now) {
        if (left) {
            return;
        }
        if (!joined && now >= nextJoinAt) {
            askSeedsToJoin(now);
        }
        if (now >= nextSyncAt) {
            syncWithRandomMember(now);
        }
        if (now >= nextGossipAt) {
            gossip(now);
        }
        prober.expireRelays(now);
        expireSuspicions(now);
        Member unanswered = prober.checkProbe(now);
        if (unanswered != null) {
            suspect(unanswered, now);
        }
        prober.probeIfDue(now);
    }

    /** Handles one message from another member: applies its piggybacked updates, then answers it. */
    public void receive(SwimMessage message, long now) {
        if (left) {
            return;
        }
        // The sender is evidently reachable; learn of it if it is new.
        members.learnSender(message, now);
        for (Update update : message.updates()) {
            if (members.apply(update, now)) {
                askSuspect(members.get(update.id()));
            }
        }
        if (message instanceof SwimMessage.Ping ping) {
            outbox.ack(ping.fromAddress(), ping.from(), ping.seq(), wallClock.getAsLong());
        } else if (message instanceof SwimMessage.Ack ack) {
            prober.onAck(ack);
        } else if (message instanceof SwimMessage.PingReq request) {
            prober.relay(request, now);
        } else if (message instanceof SwimMessage.Nack nack) {
            prober.onNack(nack);
        } else if (message instanceof SwimMessage.Join join) {
            outbox.joinReply(join.fromAddress());
        } else if (message instanceof SwimMessage.JoinReply) {
            // Its updates were applied above.
            joined = true;
        }
    }

    /** Changes this node's own metadata and gossips it (with a new incarnation, so it wins). */
    public void updateMetadata(Map<String, String> metadata) {
        broadcasts.enqueue(self.announce(metadata));
    }

    /**
     * An operator's removal: declares the member DEAD (gossiped, so the others follow) and forgets
     * it here. Returns false if the member is unknown.
     */
    public boolean remove(String id, long now) {
        return members.remove(id, now);
    }

    /** Leaves gracefully: tells the others it is gone, then ignores every further input. */
    public void leave(long now) {
        left = true;
        List<Update> goodbye = List.of(self.left());
        for (Member member : members.select(member -> member.status != MemberStatus.DEAD)) {
            outbox.ping(member.address, goodbye);
        }
    }

    /** Everything to do since the last call: messages to send and changes to publish, in order. */
    public SwimOutput drain() {
        return new SwimOutput(outbox.drain(), members.drainChanges());
    }

    // ---------------------------------------------------------------------------------------------
    // Steps

    /** Joining is retried every protocol period until a seed answers (a lost datagram must not leave a node alone). */
    private void askSeedsToJoin(long now) {
        nextJoinAt = now + config.probeInterval().toMillis();
        for (String seed : seeds) {
            outbox.join(seed);
        }
    }

    /**
     * Push-pull anti-entropy: every {@code SYNC_PERIODS} periods, exchange full state with one
     * random member, so a member that missed some gossip (loss) converges anyway. The partner may
     * be one this node thinks DOWN: after a partition heals, that is how the two sides find each
     * other again (each learns it was declared DOWN, refutes with a higher incarnation, and is UP
     * again everywhere). A member that is really gone just does not answer.
     */
    private void syncWithRandomMember(long now) {
        nextSyncAt = now + SYNC_PERIODS * config.probeInterval().toMillis();
        Member partner = members.randomMember();
        if (partner != null) {
            outbox.join(partner.address);
        } else if (!seeds.isEmpty()) {
            askSeedsToJoin(now);
        }
    }

    /** Pushes pending updates to the alive and the suspected (a suspect must hear of it to refute). */
    private void gossip(long now) {
        nextGossipAt = now + config.gossipInterval().toMillis();
        if (broadcasts.isEmpty()) {
            return;
        }
        for (Member member : members.random(config.gossipFanout(), member -> member.status != MemberStatus.DEAD)) {
            List<Update> updates = outbox.piggyback(member.id);
            if (updates.isEmpty()) {
                return;
            }
            outbox.gossip(member.address, updates);
        }
    }

    private void suspect(Member member, long now) {
        if (members.suspect(member, member.incarnation, self.id(), now)) {
            askSuspect(member);
        }
    }

    /**
     * Asks a suspect directly: as soon as this node adopts a suspicion, whoever raised it, and once
     * more half-way through ({@link Suspicion}). The ping carries the suspicion, so an alive suspect
     * refutes at once, and its ack carries the refutation straight back (the gossip alone can be
     * slower than the suspicion timeout under loss).
     */
    private void askSuspect(Member member) {
        outbox.ping(member.address, member.id);
    }

    private void expireSuspicions(long now) {
        int expected = members.expectedConfirmations();
        for (Member member : members.select(member -> member.status == MemberStatus.SUSPECT)) {
            if (member.suspicion.askAgain(now, expected)) {
                askSuspect(member);
            }
            if (member.suspicion.expired(now, expected)) {
                members.declareDead(member, now);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Views

    public String id() {
        return self.id();
    }

    public long incarnation() {
        return self.incarnation();
    }

    public int localHealth() {
        return health.score();
    }

    /** Every member this node knows of (not itself), in the order it learnt of them. */
    public List<MemberView> members() {
        return members.views();
    }

    public MemberView member(String id) {
        Member member = members.get(id);
        return member == null ? null : member.view();
    }
}
