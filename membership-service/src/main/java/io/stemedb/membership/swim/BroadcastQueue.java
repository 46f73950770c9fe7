package io.stemedb.membership.swim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Membership updates waiting to ride piggyback on outgoing messages (SWIM section 4.1's
 * infection-style dissemination), each sent a limited number of times.
 *
 * <p>The retransmit limit is {@code multiplier * ceil(log10(n + 1))} for a cluster of {@code n}
 * members (this node included): epidemic spread reaches everyone in O(log n) rounds with high
 * probability, so sending each fact more often only costs bandwidth.
 *
 * <p>Replacement: an alive or dead fact about a member replaces every other fact about it still
 * waiting, because sending a stale fact wastes room at best and revives a refuted suspicion at
 * worst. A suspicion replaces only the earlier one by the same accuser: suspicions of one member
 * by different accusers wait side by side, since each is an independent confirmation that
 * shortens the suspicion elsewhere (Lifeguard).
 */
final class BroadcastQueue {

    private record Key(String member, MemberStatus status, String from) {}

    private static final class Pending {
        final Update update;
        final long order;
        int transmits;

        Pending(Update update, long order) {
            this.update = update;
            this.order = order;
        }
    }

    private final int retransmitMultiplier;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private long enqueued;

    BroadcastQueue(int retransmitMultiplier) {
        this.retransmitMultiplier = retransmitMultiplier;
    }

    /** Queues {@code update}, replacing what it supersedes (see the class comment). */
    void enqueue(Update update) {
        pending.put(new Key(update.id(), update.status(), update.from()), new Pending(update, enqueued++));
        if (update.status() != MemberStatus.SUSPECT) {
            pending.values().removeIf(other -> other.update.id().equals(update.id()) && !other.update.equals(update));
        }
    }

    /** Sends allowed per update in a cluster of {@code clusterSize} members, this node included. */
    int retransmitLimit(int clusterSize) {
        return retransmitMultiplier * (int) Math.ceil(Math.log10(clusterSize + 1));
    }

    /**
     * Takes up to {@code room} updates for one message to {@code recipient}, counting each as sent
     * once more and dropping those that reached the retransmit limit. Updates about the recipient
     * itself go first (a suspected member learns of it from the next message it gets and can
     * refute at once); then the least sent, so fresh facts overtake well-known ones; among equals
     * the newest.
     */
    List<Update> take(String recipient, int room, int clusterSize) {
        List<Update> chosen = new ArrayList<>();
        if (pending.isEmpty() || room <= 0) {
            return chosen;
        }
        int limit = retransmitLimit(clusterSize);
        List<Map.Entry<Key, Pending>> byPriority = new ArrayList<>(pending.entrySet());
        byPriority.sort(Comparator.comparing((Map.Entry<Key, Pending> entry) -> !entry.getKey().member().equals(recipient))
                .thenComparingInt(entry -> entry.getValue().transmits)
                .thenComparingLong(entry -> -entry.getValue().order));
        for (Map.Entry<Key, Pending> entry : byPriority) {
            if (chosen.size() == room) {
                break;
            }
            Pending update = entry.getValue();
            chosen.add(update.update);
            if (++update.transmits >= limit) {
                pending.remove(entry.getKey());
            }
        }
        return chosen;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    int size() {
        return pending.size();
    }
}
