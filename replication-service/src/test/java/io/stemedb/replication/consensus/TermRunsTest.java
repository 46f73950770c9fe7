package io.stemedb.replication.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TermRunsTest {

    @Test
    void eachIndexHasTheTermOfItsRunAndTheRunsStayFew() {
        TermRuns log = new TermRuns();
        for (long i = 1; i <= 1000; i++) {
            log.append(i, i <= 400 ? 1 : i <= 900 ? 3 : 4);
        }
        assertThat(log.termAt(0)).isZero();
        assertThat(log.termAt(400)).isEqualTo(1);
        assertThat(log.termAt(401)).isEqualTo(3);
        assertThat(log.termAt(1000)).isEqualTo(4);
        assertThat(log.termAt(1001)).isEqualTo(-1);
        assertThat(log.firstIndexOfTermAt(650)).isEqualTo(401);
        assertThat(log.toString()).contains("1→1", "401→3", "901→4");
    }

    @Test
    void aTruncationDropsTheSuffixAndItsRuns() {
        TermRuns log = new TermRuns();
        for (long i = 1; i <= 10; i++) {
            log.append(i, i <= 5 ? 1 : 2);
        }
        log.truncateFrom(6);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.lastTerm()).isEqualTo(1);
        log.append(6, 3);
        assertThat(log.termAt(6)).isEqualTo(3);
    }

    @Test
    void entriesFollowEachOtherAndTermsNeverGoBack() {
        TermRuns log = new TermRuns();
        log.append(1, 2);
        assertThatThrownBy(() -> log.append(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.append(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atLeastAsUpToDateMeansALaterLastTermOrTheSameAndNoShorter() {
        TermRuns log = new TermRuns();
        log.append(1, 1);
        log.append(2, 2);
        assertThat(log.isUpToDate(1, 3)).as("later last term, shorter").isTrue();
        assertThat(log.isUpToDate(2, 2)).isTrue();
        assertThat(log.isUpToDate(5, 1)).as("longer, older last term").isFalse();
        assertThat(log.isUpToDate(1, 2)).isFalse();
    }

    @Test
    void aLogCutByRetentionKnowsTheTermOfItsBase() {
        TermRuns log = new TermRuns(100, 4);
        assertThat(log.termAt(100)).isEqualTo(4);
        assertThat(log.termAt(99)).isEqualTo(-1);
        log.append(101, 5);
        assertThat(log.lastTerm()).isEqualTo(5);
        assertThatThrownBy(() -> log.truncateFrom(100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void compactingKeepsTheTermsAfterTheBaseAndTheBasesOwnAndARebaseStartsAfterItsBase() {
        TermRuns runs = new TermRuns();
        for (long index = 1; index <= 10; index++) {
            runs.append(index, index <= 4 ? 1 : index <= 7 ? 2 : 3);
        }
        runs.compactTo(5);
        assertThat(runs.baseIndex()).isEqualTo(5);
        assertThat(runs.baseTerm()).isEqualTo(2);
        assertThat(runs.termAt(4)).isEqualTo(-1);
        assertThat(runs.termAt(6)).isEqualTo(2);
        assertThat(runs.termAt(8)).isEqualTo(3);
        assertThat(runs.firstIndexOfTermAt(6)).isEqualTo(6);
        assertThat(runs.knowsTermAt(5)).isTrue();
        runs.compactTo(3);
        assertThat(runs.baseIndex()).as("a lower base changes nothing").isEqualTo(5);
        runs.compactTo(10);
        assertThat(runs.lastIndex()).isEqualTo(10);
        assertThat(runs.lastTerm()).isEqualTo(3);
        runs.append(11, 3);
        assertThat(runs.termAt(11)).isEqualTo(3);

        TermRuns restarted = new TermRuns(20, 0);
        assertThat(restarted.knowsTermAt(20)).as("a restart loses the base's term").isFalse();
        restarted.rebase(30, 4);
        assertThat(restarted.knowsTermAt(30)).isTrue();
        assertThat(restarted.lastIndex()).isEqualTo(30);
        assertThat(restarted.lastTerm()).isEqualTo(4);
        restarted.append(31, 5);
        assertThat(restarted.termAt(31)).isEqualTo(5);
    }
}
