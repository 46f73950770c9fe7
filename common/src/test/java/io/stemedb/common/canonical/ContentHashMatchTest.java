package io.stemedb.common.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import org.junit.jupiter.api.Test;

/** A record is taken from another node only when its id is its content's hash: any changed field fails it. */
class ContentHashMatchTest {

    private static final AssertionContent CONTENT = new AssertionContent("a/b", "p", "1", "agent", "0.5");

    @Test
    void aRecordWithItsOwnIdMatchesAndAnyChangedFieldDoesNot() {
        String id = ContentHash.of(CONTENT);
        assertThat(ContentHash.matches(new Assertion(id, CONTENT, 1, 1, 1))).isTrue();
        assertThat(ContentHash.matches(new Assertion(id, new AssertionContent("a/b", "p", "2", "agent", "0.5"), 1, 1, 1)))
                .isFalse();
        assertThat(ContentHash.matches(new Assertion(id.replace(id.charAt(0), id.charAt(0) == 'a' ? 'b' : 'a'), CONTENT, 1, 1,
                1))).isFalse();

        String retraction = ContentHash.ofRetraction(id, "agent", "wrong");
        assertThat(ContentHash.matches(new Retraction(retraction, id, "agent", "wrong", 5, 1, 2))).isTrue();
        assertThat(ContentHash.matches(new Retraction(retraction, id, "agent", "other reason", 5, 1, 2))).isFalse();

        String vote = ContentHash.ofVote(id, "agent", 1, 77);
        assertThat(ContentHash.matches(new Vote(vote, id, "agent", 1, 77, 1, 3))).isTrue();
        assertThat(ContentHash.matches(new Vote(vote, id, "agent", -1, 77, 1, 3))).isFalse();
        assertThat(ContentHash.matches(new Vote(vote, id, "agent", 1, 78, 1, 3))).as("the hlc is part of a vote's id").isFalse();

        assertThat(ContentHash.matches(new Epoch(1, "e", 1, 1, 4))).as("an epoch is named by number").isFalse();
    }
}
