package io.stemedb.membership.swim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Lifeguard's local health multiplier. */
class LocalHealthTest {

    @Test
    void theScoreStaysBetweenZeroAndTheMaximum() {
        LocalHealth health = new LocalHealth(2);
        health.lower();
        assertThat(health.score()).as("never below zero").isZero();
        for (int i = 0; i < 5; i++) {
            health.raise();
        }
        assertThat(health.score()).as("never above the maximum").isEqualTo(2);
        health.lower();
        assertThat(health.score()).isEqualTo(1);
    }

    @Test
    void timeoutsStretchToOnePlusTheScoreTimes() {
        LocalHealth health = new LocalHealth(8);
        assertThat(health.scale(500)).as("healthy: unchanged").isEqualTo(500);
        health.raise();
        health.raise();
        assertThat(health.scale(500)).isEqualTo(1_500);
    }

    @Test
    void aNegativeMaximumIsRejected() {
        assertThatThrownBy(() -> new LocalHealth(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
