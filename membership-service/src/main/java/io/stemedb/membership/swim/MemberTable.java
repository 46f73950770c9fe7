package io.stemedb.membership.swim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * What this node believes about the cluster: every other member it has heard of (in the order it
 * learnt of them), the round-robin order they are probed in, and the rules that decide which
 * membership fact wins. Every change of belief is queued for dissemination and recorded as a
 * {@link MemberChange} for the caller.
 *
 * <p>Incarnation numbers order the facts (SWIM section 4.2): only a member itself raises its own
 * incarnation, so for one member a higher incarnation always wins; at the same incarnation a
 * suspicion beats alive, and dead beats both. A member that hears it is suspected or declared dead
 * refutes by raising its incarnation above the accusation.
 */
final class MemberTable {

    private final LocalMember self;
    private final String selfId;
    private final SwimConfig config;
    private final Random random;
    private final BroadcastQueue broadcasts;
    private final LocalHealth health;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final ProbeOrder probeOrder = new ProbeOrder();
    private final List<MemberChange> changes = new ArrayList<>();

    MemberTable(LocalMember self, SwimConfig config, Random random, BroadcastQueue broadcasts, LocalHealth health) {
        this.self = self;
        this.selfId = self.id();
        this.config = config;
        this.random = random;
        this.broadcasts = broadcasts;
        this.health = health;
    }

    // ---------------------------------------------------------------------------------------------
    // Facts

    /** The sender of any message is evidently reachable: a sender not known yet is learnt as alive. */
    void learnSender(SwimMessage message, long now) {
        if (!message.from().equals(selfId) && !members.containsKey(message.from())) {
            apply(new Update(message.from(), message.fromAddress(), 0, MemberStatus.ALIVE, message.from(), Map.of()), now);
        }
    }

    /**
     * Applies a fact heard from another member.
     *
     * @return true if it started a new suspicion of {@code update.id()}
     */
    boolean apply(Update update, long now) {
        if (update.id().equals(selfId)) {
            refuteIfAccused(update);
            return false;
        }
        Member member = members.get(update.id());
        if (member == null) {
            return learn(update, now);
        }
        if (update.status() != MemberStatus.ALIVE && update.incarnation() < member.incarnation
                && member.status == MemberStatus.ALIVE) {
            // Someone still passes on a suspicion this member has already refuted: the refutation
            // has not reached everyone. Send it round again rather than let the stale suspicion
            // outlive it somewhere and turn into a false DOWN.
            broadcasts.enqueue(member.toUpdate(member.id));
            return false;
        }
        switch (update.status()) {
            case ALIVE -> applyAlive(member, update, now);
            case SUSPECT -> {
                return suspect(member, update.incarnation(), update.from(), now);
            }
            case DEAD -> {
                if (member.status != MemberStatus.DEAD && update.incarnation() >= member.incarnation) {
                    member.incarnation = update.incarnation();
                    declareDead(member, now);
                }
            }
        }
        return false;
    }

    private void refuteIfAccused(Update aboutSelf) {
        if (self.refute(aboutSelf)) {
            // Being suspected is also a sign this node may be the slow one (Lifeguard).
            health.raise();
            broadcasts.enqueue(self.alive());
        }
    }

    private boolean learn(Update update, long now) {
        if (update.status() == MemberStatus.DEAD) {
            return false;
        }
        Member member = new Member(update.id(), update.address(), update.incarnation(), update.metadata(), now);
        members.put(member.id, member);
        probeOrder.insert(member.id, random);
        broadcasts.enqueue(member.toUpdate(selfId));
        changes.add(new MemberChange(member.view(), null, now));
        return update.status() == MemberStatus.SUSPECT && suspect(member, update.incarnation(), update.from(), now);
    }

    private void applyAlive(Member member, Update update, long now) {
        // Metadata at the same incarnation is taken only to fill a gap: a member first learnt from
        // a message's sender field has none until its own alive fact arrives.
        boolean fillsMetadata = member.status == MemberStatus.ALIVE && update.incarnation() == member.incarnation
                && !update.metadata().isEmpty() && member.metadata.isEmpty();
        if (update.incarnation() <= member.incarnation && !fillsMetadata) {
            return;
        }
        MemberStatus previous = member.status;
        member.incarnation = update.incarnation();
        member.address = update.address();
        if (!update.metadata().isEmpty()) {
            member.metadata = update.metadata();
        }
        member.suspicion = null;
        if (previous != MemberStatus.ALIVE) {
            member.status = MemberStatus.ALIVE;
            member.since = now;
            changes.add(new MemberChange(member.view(), previous, now));
        }
        broadcasts.enqueue(member.toUpdate(selfId));
    }

    /**
     * {@code by} suspects {@code member} at {@code atIncarnation}. A suspicion at the member's
     * current incarnation by a new accuser confirms the running one (and is passed on, so it
     * shortens the suspicion elsewhere too).
     *
     * @return true if this started a new suspicion
     */
    boolean suspect(Member member, long atIncarnation, String by, long now) {
        if (member.status == MemberStatus.DEAD || atIncarnation < member.incarnation) {
            return false;
        }
        if (member.status == MemberStatus.SUSPECT && atIncarnation == member.incarnation) {
            if (member.suspicion.confirm(by)) {
                broadcasts.enqueue(new Update(member.id, member.address, member.incarnation, MemberStatus.SUSPECT, by,
                        member.metadata));
            }
            return false;
        }
        MemberStatus previous = member.status;
        member.status = MemberStatus.SUSPECT;
        member.incarnation = atIncarnation;
        member.since = now;
        long min = config.suspicionTimeout().toMillis();
        member.suspicion = new Suspicion(by, now, min, min * config.suspicionMaxMultiplier());
        broadcasts.enqueue(new Update(member.id, member.address, member.incarnation, MemberStatus.SUSPECT, by,
                member.metadata));
        changes.add(new MemberChange(member.view(), previous, now));
        return true;
    }

    /**
     * Confirmations after which a suspicion lasts only the minimum: the configured number, but no
     * more than there are other members to confirm it.
     */
    int expectedConfirmations() {
        return Math.max(1, Math.min(config.expectedConfirmations(), members.size() - 1));
    }

    /** Dead: its suspicion ran out unrefuted, or someone else says so at its incarnation. */
    void declareDead(Member member, long now) {
        MemberStatus previous = member.status;
        member.status = MemberStatus.DEAD;
        member.since = now;
        member.suspicion = null;
        broadcasts.enqueue(member.toUpdate(selfId));
        changes.add(new MemberChange(member.view(), previous, now));
    }

    /** An operator's removal: declared dead (gossiped, so the others follow), then forgotten here. */
    boolean remove(String id, long now) {
        Member member = members.get(id);
        if (member == null) {
            return false;
        }
        declareDead(member, now);
        members.remove(id);
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Choosing members

    /** The next member to probe: the next of a shuffled round-robin, skipping the dead and the removed. */
    Member nextProbeTarget() {
        for (int attempts = 0; attempts <= probeOrder.size(); attempts++) {
            if (probeOrder.roundOver()) {
                probeOrder.newRound(ids(member -> member.status != MemberStatus.DEAD), random);
                if (probeOrder.roundOver()) {
                    return null;
                }
            }
            Member candidate = members.get(probeOrder.next());
            if (candidate != null && candidate.status != MemberStatus.DEAD) {
                return candidate;
            }
        }
        return null;
    }

    /** Up to {@code count} random members that {@code eligible} accepts. */
    List<Member> random(int count, Predicate<Member> eligible) {
        List<Member> candidates = select(eligible);
        Collections.shuffle(candidates, random);
        return candidates.subList(0, Math.min(count, candidates.size()));
    }

    /** Any one member, the dead included; null if none is known. */
    Member randomMember() {
        List<Member> candidates = new ArrayList<>(members.values());
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    List<Member> select(Predicate<Member> eligible) {
        List<Member> selected = new ArrayList<>();
        for (Member member : members.values()) {
            if (eligible.test(member)) {
                selected.add(member);
            }
        }
        return selected;
    }

    private List<String> ids(Predicate<Member> eligible) {
        return select(eligible).stream().map(member -> member.id).toList();
    }

    /** Everything this node knows, itself included, for a full-state exchange. */
    List<Update> fullState() {
        List<Update> everyone = new ArrayList<>();
        everyone.add(self.alive());
        for (Member member : members.values()) {
            everyone.add(member.toUpdate(selfId));
        }
        return everyone;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    Member get(String id) {
        return members.get(id);
    }

    /** Other members known, the dead included. */
    int size() {
        return members.size();
    }

    List<MemberView> views() {
        return select(member -> true).stream().map(Member::view).toList();
    }

    /** The changes recorded since the last call, oldest first. */
    List<MemberChange> drainChanges() {
        List<MemberChange> drained = List.copyOf(changes);
        changes.clear();
        return drained;
    }
}
