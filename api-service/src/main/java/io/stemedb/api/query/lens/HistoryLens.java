package io.stemedb.api.query.lens;

import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.Cut;
import io.stemedb.common.model.Assertion;
import java.util.stream.Stream;

/** Every assertion and retraction of the concept (or of one predicate) in log order. */
final class HistoryLens implements LensResolver {

    private final AssertionIndex index;

    HistoryLens(AssertionIndex index) {
        this.index = index;
    }

    @Override
    public Stream<QueryHit> resolve(ConceptAssertions concept, String predicate, Cut cut) {
        return concept.history().stream()
                .filter(cut::includes)
                .map(record -> {
                    if (record instanceof Assertion assertion) {
                        AssertionState state = index.assertion(assertion.id());
                        return new QueryHit(assertion, null, state != null && state.retractedAt(cut));
                    }
                    return new QueryHit(record, null, false);
                })
                .filter(hit -> predicate == null || predicate.equals(predicateOf(hit)));
    }

    private String predicateOf(QueryHit hit) {
        AssertionState subject = index.subjectOf(hit.record());
        return subject == null ? null : subject.assertion().predicate();
    }
}
