package io.stemedb.membership.swim;

import java.util.HashSet;
import java.util.Set;

/**
 * One member's suspicion, from the first accusation until it is refuted or the member is declared
 * dead: Lifeguard's dynamic suspicion (Dadgar, Phillips, Currey 2018, section IV-B).
 *
 * <p>A suspicion starts long ({@code max}) and shrinks towards {@code min} as independent members
 * confirm it: one accuser may be the slow one, several agreeing rarely are. Only distinct accusers
 * count, so the same suspicion passed on by gossip or a full-state sync never shortens it.
 *
 * <p>Half-way through, the suspect is asked directly once more: the first direct question (or its
 * answer) may have been lost, and an alive suspect that hears of the suspicion refutes it at once.
 */
final class Suspicion {

    private final String firstAccuser;
    private final long startedAt;
    private final long minMillis;
    private final long maxMillis;
    private final Set<String> accusers = new HashSet<>();
    private boolean askedAgain;

    Suspicion(String firstAccuser, long startedAt, long minMillis, long maxMillis) {
        this.firstAccuser = firstAccuser;
        this.startedAt = startedAt;
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        accusers.add(firstAccuser);
    }

    /**
     * Lifeguard's timeout for {@code confirmations} independent confirmations beyond the first
     * accusation, when {@code expected} of them bring it down to the minimum:
     * {@code max - (max - min) * log(c + 1) / log(k + 1)}, never below {@code min}. The logarithm
     * makes the first confirmations count most.
     */
    static long timeout(long minMillis, long maxMillis, int confirmations, int expected) {
        int k = Math.max(1, expected);
        int c = Math.max(0, Math.min(k, confirmations));
        double fraction = Math.log(c + 1) / Math.log(k + 1);
        return Math.max(minMillis, (long) Math.floor(maxMillis - (maxMillis - minMillis) * fraction));
    }

    /**
     * Counts {@code accuser}; returns false if it had already accused (a repeat, not a confirmation).
     */
    boolean confirm(String accuser) {
        return accusers.add(accuser);
    }

    /** The timeout given the confirmations so far. */
    long timeout(int expectedConfirmations) {
        return timeout(minMillis, maxMillis, accusers.size() - 1, expectedConfirmations);
    }

    /**
     * Whether the suspect should be asked directly again now: once, from half the timeout on.
     * Answers true only the first time.
     */
    boolean askAgain(long now, int expectedConfirmations) {
        if (askedAgain || now - startedAt < timeout(expectedConfirmations) / 2) {
            return false;
        }
        askedAgain = true;
        return true;
    }

    boolean expired(long now, int expectedConfirmations) {
        return now - startedAt >= timeout(expectedConfirmations);
    }

    /**
     * Who raised it. Passing a suspicion on names its first accuser, never the member passing it
     * on, so that relaying is not mistaken for confirming.
     */
    String firstAccuser() {
        return firstAccuser;
    }
}
