package io.stemedb.membership.swim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * One member's side of SWIM (Das, Gupta, Motivala 2002) with the Lifeguard refinements (Dadgar,
 * Phillips, Currey 2018), as a deterministic state machine: no sockets, threads or wall clock
 * inside. Time comes in as {@code now} (milliseconds) on {@link #tick} and {@link #receive}, random
 * choices from the injected {@link Random}, and messages leave through the {@link SwimTransport}.
 * Given the same inputs it does the same thing, which is what lets a simulation replay any
 * schedule from its seed.
 *
 * <h2>Failure detection</h2>
 * Every protocol period the node probes the next member of a shuffled round-robin list: a direct
 * {@code Ping}; without an {@code Ack} within the probe timeout, {@code PingReq} to
 * {@code indirectProbes} others; without any ack by the end of the period, the target becomes
 * SUSPECT. A suspicion that is not refuted (the suspect raising its incarnation) within the
 * suspicion timeout makes it DEAD.
 *
 * <h2>Lifeguard</h2>
 * <ul>
 *   <li><b>Local health</b>: failed probes without nacks, and suspicions about this node itself,
 *       raise a multiplier that stretches this node's probe timeout and period; successful probes
 *       lower it. A slow or overloaded member thus probes more patiently instead of accusing
 *       healthy ones.</li>
 *   <li><b>Nacks</b>: an intermediary that gets no answer either says so; a prober that receives
 *       nacks knows its own messages get through.</li>
 *   <li><b>Dynamic suspicion</b>: a suspicion starts at {@code suspicionMaxMultiplier} times the
 *       minimum and shrinks towards it as independent members confirm it.</li>
 * </ul>
 *
 * <h2>Dissemination</h2>
 * Membership updates ride piggyback on every message, the least-sent first, each up to
 * {@code retransmitMultiplier * ceil(log10(n + 1))} times.
 */
public final class SwimNode {

    /** Protocol periods between two push-pull exchanges of full state. */
    static final int SYNC_PERIODS = 10;

    private final String selfId;
    private final String selfAddress;
    private final SwimConfig config;
    private final Random random;
    private final SwimTransport transport;
    private final SwimListener listener;
    private final java.util.function.LongSupplier wallClock;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, Broadcast> broadcasts = new LinkedHashMap<>();
    private final Map<Long, Relay> relays = new HashMap<>();
    private final List<String> probeOrder = new ArrayList<>();
    private Map<String, String> selfMetadata = Map.of();
    private long incarnation;
    private int localHealth;
    private long nextSeq = 1;
    private int probeCursor;
    private long nextProbeAt;
    private Probe probe;
    private boolean left;
    private List<String> seeds = List.of();
    private boolean joined;
    private long nextJoinAt;
    private long nextSyncAt;
    private long nextGossipAt;
    private long broadcastSeq;

    public SwimNode(String selfId, String selfAddress, SwimConfig config, Random random, SwimTransport transport,
            SwimListener listener) {
        this(selfId, selfAddress, config, random, transport, listener, System::currentTimeMillis);
    }

    /**
     * @param wallClock the wall clock, read only to estimate clock offsets between members (never
     *     for protocol timing, which uses the {@code now} passed in)
     */
    public SwimNode(String selfId, String selfAddress, SwimConfig config, Random random, SwimTransport transport,
            SwimListener listener, java.util.function.LongSupplier wallClock) {
        this.wallClock = wallClock;
        this.selfId = selfId;
        this.selfAddress = selfAddress;
        this.config = config;
        this.random = random;
        this.transport = transport;
        this.listener = listener;
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs

    /** Starts: asks each seed to let this node join (a seed that is this node itself is skipped). */
    public void start(List<String> seedAddresses, Map<String, String> metadata, long now) {
        selfMetadata = Map.copyOf(metadata);
        seeds = seedAddresses.stream().filter(seed -> !seed.equals(selfAddress)).toList();
        joined = seeds.isEmpty();
        nextProbeAt = now + config.probeInterval().toMillis();
        nextSyncAt = now + SYNC_PERIODS * config.probeInterval().toMillis();
        askSeedsToJoin(now);
    }

    /** Joining is retried every protocol period until a seed answers (a lost datagram must not leave a node alone). */
    private void askSeedsToJoin(long now) {
        nextJoinAt = now + config.probeInterval().toMillis();
        for (String seed : seeds) {
            transport.send(seed, new SwimMessage.Join(selfId, selfAddress, fullState()));
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
        List<Member> candidates = new ArrayList<>(members.values());
        if (candidates.isEmpty()) {
            if (!seeds.isEmpty()) {
                askSeedsToJoin(now);
            }
            return;
        }
        Member partner = candidates.get(random.nextInt(candidates.size()));
        transport.send(partner.address, new SwimMessage.Join(selfId, selfAddress, fullState()));
    }

    private void gossip(long now) {
        nextGossipAt = now + config.gossipInterval().toMillis();
        if (broadcasts.isEmpty()) {
            return;
        }
        for (Member member : randomReachable(config.gossipFanout())) {
            List<Update> updates = piggyback(member.id);
            if (updates.isEmpty()) {
                return;
            }
            transport.send(member.address, new SwimMessage.Gossip(selfId, selfAddress, updates));
        }
    }

    /** Members worth gossiping to: the alive and the suspected (a suspect must hear of it to refute). */
    private List<Member> randomReachable(int count) {
        List<Member> candidates = new ArrayList<>();
        for (Member member : members.values()) {
            if (member.status != MemberStatus.DEAD) {
                candidates.add(member);
            }
        }
        Collections.shuffle(candidates, random);
        return candidates.subList(0, Math.min(count, candidates.size()));
    }

    private List<Update> fullState() {
        List<Update> everyone = new ArrayList<>();
        everyone.add(selfAlive());
        for (Member member : members.values()) {
            everyone.add(member.toUpdate(selfId));
        }
        return everyone;
    }

    /** Changes this node's own metadata and gossips it (with a new incarnation, so it wins). */
    public void updateMetadata(Map<String, String> metadata) {
        selfMetadata = Map.copyOf(metadata);
        incarnation++;
        enqueue(selfAlive());
    }

    /**
     * An operator's removal: declares the member DEAD (gossiped, so the others follow) and forgets
     * it here. Returns false if the member is unknown.
     */
    public boolean remove(String id, long now) {
        Member member = members.get(id);
        if (member == null) {
            return false;
        }
        MemberStatus previous = member.status;
        member.status = MemberStatus.DEAD;
        member.since = now;
        enqueue(member.toUpdate(selfId));
        listener.changed(member.view(), previous, now);
        members.remove(id);
        return true;
    }

    /** Leaves gracefully: tells the others it is gone, then stops probing. */
    public void leave(long now) {
        left = true;
        Update gone = new Update(selfId, selfAddress, incarnation, MemberStatus.DEAD, selfId, selfMetadata);
        for (Member member : liveMembers()) {
            transport.send(member.address, new SwimMessage.Ping(nextSeq++, selfId, selfAddress, List.of(gone)));
        }
    }

    /** Advances timers: probes, indirect probes, suspicions, relays. Call every few milliseconds. */
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
        expireRelays(now);
        expireSuspicions(now);
        if (probe != null) {
            advanceProbe(now);
        }
        if (probe == null && now >= nextProbeAt) {
            startProbe(now);
        }
    }

    public void receive(SwimMessage message, long now) {
        if (left) {
            return;
        }
        // The sender is evidently reachable; learn of it if it is new.
        learnSender(message, now);
        for (Update update : message.updates()) {
            apply(update, now);
        }
        if (message instanceof SwimMessage.Ping ping) {
            transport.send(ping.fromAddress(), new SwimMessage.Ack(ping.seq(), selfId, selfAddress, piggyback(ping.from()),
                    wallClock.getAsLong()));
        } else if (message instanceof SwimMessage.Ack ack) {
            onAck(ack, now);
        } else if (message instanceof SwimMessage.PingReq request) {
            long seq = nextSeq++;
            relays.put(seq, new Relay(request.from(), request.fromAddress(), request.seq(),
                    now + config.probeTimeout().toMillis()));
            transport.send(request.targetAddress(), new SwimMessage.Ping(seq, selfId, selfAddress, piggyback(request.target())));
        } else if (message instanceof SwimMessage.Nack nack) {
            if (probe != null && probe.seq == nack.seq()) {
                probe.nacks++;
            }
        } else if (message instanceof SwimMessage.Join join) {
            transport.send(join.fromAddress(), new SwimMessage.JoinReply(selfId, selfAddress, fullState()));
        } else if (message instanceof SwimMessage.JoinReply) {
            // Its updates were applied above.
            joined = true;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Probing

    private void startProbe(long now) {
        Member target = nextTarget();
        long period = config.probeInterval().toMillis() * (1 + localHealth);
        nextProbeAt = now + period;
        if (target == null) {
            return;
        }
        probe = new Probe(target.id, nextSeq++, now, now + config.probeTimeout().toMillis() * (1 + localHealth),
                now + period);
        probe.sentWall = wallClock.getAsLong();
        transport.send(target.address, new SwimMessage.Ping(probe.seq, selfId, selfAddress, piggyback(target.id)));
    }

    /** The next member in a shuffled round-robin (SWIM 4.3): every member is probed once per round. */
    private Member nextTarget() {
        for (int attempts = 0; attempts <= probeOrder.size(); attempts++) {
            if (probeCursor >= probeOrder.size()) {
                probeOrder.clear();
                for (Member member : members.values()) {
                    if (member.status != MemberStatus.DEAD) {
                        probeOrder.add(member.id);
                    }
                }
                Collections.shuffle(probeOrder, random);
                probeCursor = 0;
                if (probeOrder.isEmpty()) {
                    return null;
                }
            }
            Member candidate = members.get(probeOrder.get(probeCursor++));
            if (candidate != null && candidate.status != MemberStatus.DEAD) {
                return candidate;
            }
        }
        return null;
    }

    private void advanceProbe(long now) {
        Member target = members.get(probe.target);
        if (target == null || target.status == MemberStatus.DEAD) {
            probe = null;
            return;
        }
        if (!probe.indirectSent && now >= probe.ackDeadline) {
            probe.indirectSent = true;
            List<Member> helpers = randomLive(config.indirectProbes(), probe.target);
            probe.expectedNacks = helpers.size();
            for (Member helper : helpers) {
                transport.send(helper.address, new SwimMessage.PingReq(probe.seq, target.id, target.address, selfId,
                        selfAddress, piggyback(helper.id)));
            }
        }
        if (now >= probe.periodEnd) {
            // No ack, direct or indirect, in the whole period.
            if (probe.nacks < probe.expectedNacks || probe.expectedNacks == 0) {
                // Missing nacks: the helpers could not answer us either; the trouble may be ours.
                raiseLocalHealth();
            }
            suspect(target, target.incarnation, selfId, now);
            probe = null;
        }
    }

    private void onAck(SwimMessage.Ack ack, long now) {
        Relay relay = relays.remove(ack.seq());
        if (relay != null) {
            transport.send(relay.requesterAddress, new SwimMessage.Ack(relay.requesterSeq, selfId, selfAddress,
                    piggyback(relay.requester)));
            return;
        }
        if (probe != null && probe.seq == ack.seq()) {
            Member target = members.get(probe.target);
            if (target != null && ack.from().equals(target.id) && ack.wallMillis() != 0) {
                // NTP-style: the responder's clock minus the midpoint of ours around the round trip.
                long received = wallClock.getAsLong();
                target.clockOffsetMillis = ack.wallMillis() - (probe.sentWall + received) / 2;
                target.clockSampled = true;
            }
            probe = null;
            lowerLocalHealth();
        }
    }

    private void expireRelays(long now) {
        relays.entrySet().removeIf(entry -> {
            Relay relay = entry.getValue();
            if (now < relay.deadline) {
                return false;
            }
            transport.send(relay.requesterAddress, new SwimMessage.Nack(relay.requesterSeq, selfId, selfAddress,
                    piggyback(relay.requester)));
            return true;
        });
    }

    private List<Member> randomLive(int count, String except) {
        List<Member> candidates = new ArrayList<>();
        for (Member member : members.values()) {
            if (member.status == MemberStatus.ALIVE && !member.id.equals(except)) {
                candidates.add(member);
            }
        }
        Collections.shuffle(candidates, random);
        return candidates.subList(0, Math.min(count, candidates.size()));
    }

    private void raiseLocalHealth() {
        localHealth = Math.min(config.maxLocalHealth(), localHealth + 1);
    }

    private void lowerLocalHealth() {
        localHealth = Math.max(0, localHealth - 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Suspicion

    private void suspect(Member member, long atIncarnation, String by, long now) {
        if (member.status == MemberStatus.DEAD || atIncarnation < member.incarnation) {
            return;
        }
        if (member.status == MemberStatus.SUSPECT && atIncarnation == member.incarnation) {
            if (member.confirmations.add(by)) {
                // An independent confirmation shortens the suspicion; pass it on.
                enqueue(new Update(member.id, member.address, member.incarnation, MemberStatus.SUSPECT, by, member.metadata));
            }
            return;
        }
        MemberStatus previous = member.status;
        member.status = MemberStatus.SUSPECT;
        member.incarnation = atIncarnation;
        member.since = now;
        member.confirmations.clear();
        member.confirmations.add(by);
        member.firstSuspecter = by;
        enqueue(new Update(member.id, member.address, member.incarnation, MemberStatus.SUSPECT, by, member.metadata));
        listener.changed(member.view(), previous, now);
        member.verifiedAgain = false;
        // Ask the suspect directly, whoever raised the suspicion: the ping carries the suspicion, so
        // an alive suspect refutes at once, and its ack carries the refutation straight back (the
        // gossip alone can be slower than the suspicion timeout under loss).
        verify(member);
    }

    private void verify(Member member) {
        transport.send(member.address, new SwimMessage.Ping(nextSeq++, selfId, selfAddress, piggyback(member.id)));
    }

    private void expireSuspicions(long now) {
        for (Member member : members.values()) {
            if (member.status != MemberStatus.SUSPECT) {
                continue;
            }
            long timeout = suspicionTimeout(member);
            if (!member.verifiedAgain && now - member.since >= timeout / 2) {
                // One more direct question half-way, in case the first ping or its ack was lost.
                member.verifiedAgain = true;
                verify(member);
            }
            if (now - member.since >= timeout) {
                MemberStatus previous = member.status;
                member.status = MemberStatus.DEAD;
                member.since = now;
                enqueue(member.toUpdate(selfId));
                listener.changed(member.view(), previous, now);
            }
        }
    }

    /**
     * Lifeguard's dynamic suspicion timeout: from max down to min as confirmations arrive,
     * {@code max - (max - min) * log(c + 1) / log(k + 1)} for c confirmations beyond the first.
     */
    long suspicionTimeout(Member member) {
        long min = config.suspicionTimeout().toMillis();
        long max = min * config.suspicionMaxMultiplier();
        int expected = Math.max(1, Math.min(config.expectedConfirmations(), members.size() - 1));
        int confirmations = Math.min(expected, member.confirmations.size() - 1);
        double fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
        return Math.max(min, (long) Math.floor(max - (max - min) * fraction));
    }

    // ---------------------------------------------------------------------------------------------
    // Membership updates

    private void learnSender(SwimMessage message, long now) {
        if (message.from().equals(selfId) || members.containsKey(message.from())) {
            return;
        }
        apply(new Update(message.from(), message.fromAddress(), 0, MemberStatus.ALIVE, message.from(), Map.of()), now);
    }

    private void apply(Update update, long now) {
        if (update.id().equals(selfId)) {
            applyAboutSelf(update);
            return;
        }
        Member member = members.get(update.id());
        if (member == null) {
            if (update.status() == MemberStatus.DEAD) {
                return;
            }
            member = new Member(update.id(), update.address(), update.incarnation(), update.metadata(), now);
            members.put(member.id, member);
            // SWIM 4.3: a new member goes to a random place in the rest of the current round, so it
            // is probed this round, not only after the round ends (which takes n periods).
            int place = probeCursor + random.nextInt(probeOrder.size() - probeCursor + 1);
            probeOrder.add(Math.min(place, probeOrder.size()), member.id);
            enqueue(member.toUpdate(selfId));
            listener.changed(member.view(), null, now);
            if (update.status() == MemberStatus.SUSPECT) {
                suspect(member, update.incarnation(), update.from(), now);
            }
            return;
        }
        if (update.status() != MemberStatus.ALIVE && update.incarnation() < member.incarnation
                && member.status == MemberStatus.ALIVE) {
            // Someone still passes on a suspicion this member has already refuted: the refutation
            // has not reached everyone. Send it round again rather than let the stale suspicion
            // outlive it somewhere and turn into a false DOWN.
            enqueue(member.toUpdate(member.id));
            return;
        }
        switch (update.status()) {
            case ALIVE -> {
                if (update.incarnation() > member.incarnation
                        || (member.status == MemberStatus.ALIVE && update.incarnation() == member.incarnation
                                && !update.metadata().isEmpty() && member.metadata.isEmpty())) {
                    MemberStatus previous = member.status;
                    member.incarnation = update.incarnation();
                    member.address = update.address();
                    if (!update.metadata().isEmpty()) {
                        member.metadata = update.metadata();
                    }
                    member.confirmations.clear();
                    if (previous != MemberStatus.ALIVE) {
                        member.status = MemberStatus.ALIVE;
                        member.since = now;
                        listener.changed(member.view(), previous, now);
                    }
                    enqueue(member.toUpdate(selfId));
                }
            }
            case SUSPECT -> suspect(member, update.incarnation(), update.from(), now);
            case DEAD -> {
                if (member.status != MemberStatus.DEAD && update.incarnation() >= member.incarnation) {
                    MemberStatus previous = member.status;
                    member.status = MemberStatus.DEAD;
                    member.incarnation = update.incarnation();
                    member.since = now;
                    enqueue(member.toUpdate(selfId));
                    listener.changed(member.view(), previous, now);
                }
            }
        }
    }

    private void applyAboutSelf(Update update) {
        if (update.status() == MemberStatus.ALIVE || update.incarnation() < incarnation || left) {
            return;
        }
        // Someone suspects (or buried) this node: refute with a higher incarnation. Being suspected
        // is also a sign this node may be the slow one.
        incarnation = update.incarnation() + 1;
        raiseLocalHealth();
        enqueue(selfAlive());
    }

    private Update selfAlive() {
        return new Update(selfId, selfAddress, incarnation, MemberStatus.ALIVE, selfId, selfMetadata);
    }

    // ---------------------------------------------------------------------------------------------
    // Dissemination

    private void enqueue(Update update) {
        // A newer fact about a member replaces the older one still waiting to be sent.
        broadcasts.put(update.id() + "\u0000" + update.status() + "\u0000" + update.from(), new Broadcast(update, broadcastSeq++));
        if (update.status() != MemberStatus.SUSPECT) {
            broadcasts.keySet().removeIf(key -> key.startsWith(update.id() + "\u0000") && !broadcasts.get(key).update.equals(update));
        }
    }

    /**
     * Updates to carry on a message to {@code recipient}: first any about the recipient itself (a
     * suspected member learns of it from the next message it gets, and can refute at once), then
     * the least-sent, newest first.
     */
    private List<Update> piggyback(String recipient) {
        List<Update> chosen = new ArrayList<>();
        if (incarnation > 0) {
            // Once this node has had to refute, every message it sends says so: whoever still
            // suspects it learns the refutation from any message, not only from gossip.
            chosen.add(selfAlive());
        }
        if (broadcasts.isEmpty()) {
            return chosen;
        }
        int limit = config.retransmitMultiplier() * (int) Math.ceil(Math.log10(members.size() + 2));
        List<Map.Entry<String, Broadcast>> byUse = new ArrayList<>(broadcasts.entrySet());
        byUse.sort(Comparator.comparing((Map.Entry<String, Broadcast> entry) -> !entry.getValue().update.id().equals(recipient))
                .thenComparingInt(entry -> entry.getValue().transmits)
                .thenComparing(entry -> -entry.getValue().seq));
        for (Map.Entry<String, Broadcast> entry : byUse) {
            if (chosen.size() == config.maxPiggybackUpdates()) {
                break;
            }
            Broadcast broadcast = entry.getValue();
            chosen.add(broadcast.update);
            if (++broadcast.transmits >= limit) {
                broadcasts.remove(entry.getKey());
            }
        }
        return chosen;
    }

    // ---------------------------------------------------------------------------------------------
    // Views

    public String id() {
        return selfId;
    }

    public long incarnation() {
        return incarnation;
    }

    public int localHealth() {
        return localHealth;
    }

    /** Every member this node knows of (not itself), in the order it learnt of them. */
    public List<MemberView> members() {
        List<MemberView> views = new ArrayList<>();
        for (Member member : members.values()) {
            views.add(member.view());
        }
        return views;
    }

    public MemberView member(String id) {
        Member member = members.get(id);
        return member == null ? null : member.view();
    }

    private List<Member> liveMembers() {
        List<Member> live = new ArrayList<>();
        for (Member member : members.values()) {
            if (member.status != MemberStatus.DEAD) {
                live.add(member);
            }
        }
        return live;
    }

    // ---------------------------------------------------------------------------------------------

    private static final class Member {
        final String id;
        String address;
        long incarnation;
        MemberStatus status = MemberStatus.ALIVE;
        Map<String, String> metadata;
        long since;
        final Set<String> confirmations = new HashSet<>();
        String firstSuspecter;
        boolean verifiedAgain;
        long clockOffsetMillis;
        boolean clockSampled;

        Member(String id, String address, long incarnation, Map<String, String> metadata, long since) {
            this.id = id;
            this.address = address;
            this.incarnation = incarnation;
            this.metadata = metadata;
            this.since = since;
        }

        /**
         * This member as an update sent by {@code from}; a suspicion keeps its first suspecter, so
         * that passing it on (in gossip or a full-state sync) never counts as a confirmation.
         */
        Update toUpdate(String from) {
            String by = status == MemberStatus.SUSPECT && firstSuspecter != null ? firstSuspecter : from;
            return new Update(id, address, incarnation, status, by, metadata);
        }

        MemberView view() {
            return new MemberView(id, address, status, incarnation, metadata, since,
                    clockSampled ? clockOffsetMillis : null);
        }
    }

    private static final class Probe {
        final String target;
        final long seq;
        final long sentAt;
        final long ackDeadline;
        final long periodEnd;
        boolean indirectSent;
        int expectedNacks;
        int nacks;
        long sentWall;

        Probe(String target, long seq, long sentAt, long ackDeadline, long periodEnd) {
            this.target = target;
            this.seq = seq;
            this.sentAt = sentAt;
            this.ackDeadline = ackDeadline;
            this.periodEnd = periodEnd;
        }
    }

    private record Relay(String requester, String requesterAddress, long requesterSeq, long deadline) {}

    private static final class Broadcast {
        final Update update;
        final long seq;
        int transmits;

        Broadcast(Update update, long seq) {
            this.update = update;
            this.seq = seq;
        }
    }
}
