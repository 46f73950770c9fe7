package io.stemedb.membership.swim;

/**
 * Lifeguard's local health multiplier (memberlist calls it awareness): how much this node doubts
 * itself. A prober whose probes fail without even a nack coming back, or that hears it is
 * suspected, is more likely the slow one than everyone it would accuse; while its score is
 * raised it waits {@code 1 + score} times longer for acks and probes less often, and successful
 * probes bring the score back down.
 *
 * <p>The score stays within {@code 0..max}: a node that has been in trouble for a long time must
 * still recover in a bounded number of successful probes.
 */
final class LocalHealth {

    private final int max;
    private int score;

    /** @param max the highest score, so timeouts stretch to at most {@code 1 + max} times */
    LocalHealth(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max local health must not be negative: " + max);
        }
        this.max = max;
    }

    /** A sign the fault may be this node's own: a probe failed without nacks, or it is suspected. */
    void raise() {
        score = Math.min(max, score + 1);
    }

    /** A probe was answered: this node's messages get through. */
    void lower() {
        score = Math.max(0, score - 1);
    }

    int score() {
        return score;
    }

    /** {@code millis} stretched by the current score (Lifeguard's {@code timeout * (1 + score)}). */
    long scale(long millis) {
        return millis * (1 + score);
    }
}
