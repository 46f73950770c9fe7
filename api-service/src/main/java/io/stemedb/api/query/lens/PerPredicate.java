package io.stemedb.api.query.lens;

import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.PredicateAssertions;
import io.stemedb.common.model.Assertion;
import java.util.function.Function;
import java.util.stream.Stream;

/** The shape shared by lenses that pick one winner per predicate. */
final class PerPredicate {

    private PerPredicate() {}

    static Stream<Assertion> select(ConceptAssertions concept, String predicate,
            Function<PredicateAssertions, Assertion> winner) {
        if (predicate != null) {
            PredicateAssertions assertions = concept.predicate(predicate);
            return assertions == null ? Stream.empty() : Stream.ofNullable(winner.apply(assertions));
        }
        return concept.predicates().values().stream().map(winner);
    }
}
