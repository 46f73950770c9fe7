package io.stemedb.wal.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hard state on its own: one vote per term, terms never go down, and both survive a reload. */
class HardStateTest {

    @TempDir
    Path dir;

    @Test
    void oneVotePerTerm() throws Exception {
        TermFence fence = TermFence.load(dir);
        assertThat(fence.record(3, "node-a")).isEqualTo(new HardState(3, "node-a"));
        assertThat(fence.record(3, "node-a")).as("the same vote again").isEqualTo(new HardState(3, "node-a"));
        assertThat(fence.record(3, "")).as("no vote does not take the vote back").isEqualTo(new HardState(3, "node-a"));

        assertThatThrownBy(() -> fence.record(3, "node-b"))
                .isInstanceOf(VoteConflictException.class)
                .hasMessageContaining("already voted for node-a in term 3");
        assertThat(fence.hardState()).isEqualTo(new HardState(3, "node-a"));
        assertThat(TermFence.load(dir).hardState()).as("the refused vote never reached the disk")
                .isEqualTo(new HardState(3, "node-a"));
    }

    @Test
    void aTermWithoutAVoteTakesOneLater() throws Exception {
        TermFence fence = TermFence.load(dir);
        assertThat(fence.raiseTo(4)).isEqualTo(4);
        assertThat(fence.hardState()).isEqualTo(new HardState(4, ""));
        assertThat(fence.record(4, "node-c")).isEqualTo(new HardState(4, "node-c"));
        assertThat(TermFence.load(dir).hardState()).isEqualTo(new HardState(4, "node-c"));
    }

    @Test
    void aHigherTermReplacesTheVoteAndALowerOneChangesNothing() throws Exception {
        TermFence fence = TermFence.load(dir);
        fence.record(5, "node-a");
        assertThat(fence.record(6, "node-b")).isEqualTo(new HardState(6, "node-b"));
        assertThat(fence.record(7, "")).as("a new term starts without a vote").isEqualTo(new HardState(7, ""));

        assertThat(fence.record(2, "node-z")).as("a lower term answers the current state").isEqualTo(new HardState(7, ""));
        assertThat(fence.raiseTo(1)).isEqualTo(7);
        assertThat(TermFence.load(dir).hardState()).isEqualTo(new HardState(7, ""));
    }

    @Test
    void survivesReopeningTheDirectory() throws Exception {
        TermFence.load(dir).record(9, "node-b");
        TermFence reopened = TermFence.load(dir);
        assertThat(reopened.hardState()).isEqualTo(new HardState(9, "node-b"));
        assertThatThrownBy(() -> reopened.record(9, "node-c")).isInstanceOf(VoteConflictException.class);
        assertThat(Files.readString(dir.resolve(TermFence.FILE_NAME))).isEqualTo("9\nvoted_for=node-b\n");
    }

    @Test
    void theOneLineFormatOfEarlierVersionsStillReads() throws Exception {
        Files.writeString(dir.resolve(TermFence.FILE_NAME), "12\n", StandardCharsets.US_ASCII);
        TermFence fence = TermFence.load(dir);
        assertThat(fence.hardState()).isEqualTo(new HardState(12, ""));
        assertThat(fence.admits(11)).isFalse();
        assertThat(fence.record(12, "node-a")).as("no vote was recorded in it").isEqualTo(new HardState(12, "node-a"));

        Files.writeString(dir.resolve(TermFence.FILE_NAME), "13", StandardCharsets.US_ASCII);
        assertThat(TermFence.load(dir).hardState()).isEqualTo(new HardState(13, ""));
    }

    @Test
    void withoutAVoteTheFileKeepsTheOneLineFormat() throws Exception {
        TermFence.load(dir).raiseTo(8);
        assertThat(Files.readString(dir.resolve(TermFence.FILE_NAME))).isEqualTo("8\n");
    }

    @Test
    void anEditedFileIsRefusedRatherThanGuessed() throws Exception {
        Files.writeString(dir.resolve(TermFence.FILE_NAME), "4\nnode-a\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TermFence.load(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("voted_for=");
        Files.writeString(dir.resolve(TermFence.FILE_NAME), "four\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TermFence.load(dir)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCandidateThatCannotBeStoredAsItIsIsRefused() throws Exception {
        TermFence fence = TermFence.load(dir);
        assertThatThrownBy(() -> fence.record(2, "node-a\nvoted_for=node-b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fence.record(2, " node-a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fence.record(2, "n".repeat(HardState.MAX_VOTED_FOR_BYTES + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(fence.hardState()).isEqualTo(HardState.INITIAL);
        assertThat(fence.record(2, "nœud-ä")).isEqualTo(new HardState(2, "nœud-ä"));
        assertThat(TermFence.load(dir).hardState().votedFor()).isEqualTo("nœud-ä");
    }
}
