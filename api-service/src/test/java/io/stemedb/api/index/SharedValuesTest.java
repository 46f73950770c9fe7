package io.stemedb.api.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import org.junit.jupiter.api.Test;

/**
 * The index keeps one instance of each concept path, predicate, agent and confidence however many
 * assertions carry it (each record arrives with strings of its own), and what it answers is the
 * record as written.
 */
class SharedValuesTest {

    private final AssertionIndex index = new AssertionIndex(new SimpleMeterRegistry());

    @Test
    void assertionsOfOneConceptPredicateAndAgentShareTheirStrings() {
        Assertion first = apply(1, "a");
        Assertion second = apply(2, "b");

        AssertionState one = index.assertion(first.id());
        AssertionState two = index.assertion(second.id());
        assertThat(one.assertion()).isEqualTo(first);
        assertThat(two.assertion()).isEqualTo(second);
        assertThat(two.assertion().conceptPath()).isSameAs(one.assertion().conceptPath())
                .isSameAs(index.concept("docs/readme").path());
        assertThat(two.assertion().predicate()).isSameAs(one.assertion().predicate());
        assertThat(two.assertion().content().agentId()).isSameAs(one.assertion().content().agentId());
        assertThat(two.assertion().content().confidence()).isSameAs(one.assertion().content().confidence());
        assertThat(two.confidence()).isSameAs(one.confidence()).isEqualByComparingTo("0.75");
        assertThat(index.records()).containsExactly(first, second);
        assertThat(index.concept("docs/readme").history()).containsExactly(first, second);
    }

    @Test
    void pastTheLimitNewValuesAreKeptAsTheyCame() {
        SharedValues shared = new SharedValues();
        for (int i = 0; i < SharedValues.LIMIT; i++) {
            shared.share("agent-" + i);
        }
        String late = new String("agent-late");
        assertThat(shared.share(late)).isSameAs(late);
        assertThat(shared.share(new String("agent-late"))).isNotSameAs(late);
        String early = new String("agent-7");
        assertThat(shared.share(early)).isNotSameAs(early).isEqualTo(early);
    }

    private Assertion apply(long index, String value) {
        // new String(...): each record decoded from the journal has its own instances.
        AssertionContent content = new AssertionContent(new String("docs/readme"), new String("title"),
                "\"" + value + "\"", new String("agent-1"), new String("0.75"));
        Assertion assertion = new Assertion(ContentHash.of(content), content, index * 10, 1, index);
        assertThat(this.index.apply(assertion)).isEqualTo(ApplyOutcome.APPLIED);
        return assertion;
    }
}
