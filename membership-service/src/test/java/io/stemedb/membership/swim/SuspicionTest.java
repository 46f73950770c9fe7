package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lifeguard's dynamic suspicion: the timeout formula, confirmations, the half-way question. */
class SuspicionTest {

    private static final long MIN = 1_000;
    private static final long MAX = 4_000;

    @Test
    void theTimeoutIsMaxMinusMaxMinusMinTimesLogOfConfirmationsPlusOneOverLogOfExpectedPlusOne() {
        assertThat(Suspicion.timeout(MIN, MAX, 0, 3)).as("no confirmation: the longest").isEqualTo(MAX);
        assertThat(Suspicion.timeout(MIN, MAX, 1, 3)).as("4000 - 3000 * log 2 / log 4").isEqualTo(2_500);
        assertThat(Suspicion.timeout(MIN, MAX, 2, 3)).as("4000 - 3000 * log 3 / log 4, floored").isEqualTo(1_622);
        assertThat(Suspicion.timeout(MIN, MAX, 3, 3)).as("expected confirmations: the shortest").isEqualTo(MIN);
    }

    @Test
    void confirmationsBeyondTheExpectedNeverShortenItBelowTheMinimum() {
        assertThat(Suspicion.timeout(MIN, MAX, 10, 3)).isEqualTo(MIN);
        assertThat(Suspicion.timeout(MIN, MAX, 1, 1)).as("one expected, one received").isEqualTo(MIN);
    }

    @Test
    void onlyADistinctAccuserIsAConfirmation() {
        Suspicion suspicion = new Suspicion("c", 0, MIN, MAX);
        assertThat(suspicion.confirm("c")).as("the first accuser again").isFalse();
        assertThat(suspicion.timeout(3)).isEqualTo(MAX);
        assertThat(suspicion.confirm("d")).isTrue();
        assertThat(suspicion.confirm("d")).isFalse();
        assertThat(suspicion.timeout(3)).isEqualTo(2_500);
        assertThat(suspicion.firstAccuser()).isEqualTo("c");
    }

    @Test
    void theSuspectIsAskedAgainOnceFromHalfTheTimeoutOn() {
        Suspicion suspicion = new Suspicion("c", 100, MIN, MAX);
        assertThat(suspicion.askAgain(100 + MAX / 2 - 1, 3)).isFalse();
        assertThat(suspicion.askAgain(100 + MAX / 2, 3)).isTrue();
        assertThat(suspicion.askAgain(100 + MAX / 2 + 1, 3)).as("only once").isFalse();
    }

    @Test
    void itExpiresAtTheTimeoutForTheConfirmationsSoFar() {
        Suspicion suspicion = new Suspicion("c", 100, MIN, MAX);
        assertThat(suspicion.expired(100 + 2_500, 3)).isFalse();
        suspicion.confirm("d");
        assertThat(suspicion.expired(100 + 2_499, 3)).isFalse();
        assertThat(suspicion.expired(100 + 2_500, 3)).isTrue();
    }
}
