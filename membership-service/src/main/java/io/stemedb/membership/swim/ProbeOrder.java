package io.stemedb.membership.swim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * SWIM's round-robin probe target selection (section 4.3): members are probed in a shuffled order,
 * each once per round, and the order is reshuffled for every round. Unlike picking a random
 * target each period, this bounds the time until a failed member is first probed to one round.
 *
 * <p>Holds member ids only; whether an id is still worth probing is the caller's call.
 */
final class ProbeOrder {

    private final List<String> order = new ArrayList<>();
    private int cursor;

    boolean roundOver() {
        return cursor >= order.size();
    }

    /** Starts a round over {@code ids} in a random order. */
    void newRound(List<String> ids, Random random) {
        order.clear();
        order.addAll(ids);
        Collections.shuffle(order, random);
        cursor = 0;
    }

    /** The next id of the current round; only when {@link #roundOver()} is false. */
    String next() {
        return order.get(cursor++);
    }

    /**
     * A member learnt mid-round goes to a random place among those not yet probed this round, so
     * it is probed within this round rather than only after the next reshuffle (up to n periods
     * later), and without always going last.
     */
    void insert(String id, Random random) {
        int place = cursor + random.nextInt(order.size() - cursor + 1);
        order.add(Math.min(place, order.size()), id);
    }

    /** Ids in the current round, probed or not. */
    int size() {
        return order.size();
    }
}
