package io.stemedb.api.query.lens;

import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.PredicateAssertions;
import io.stemedb.common.model.Assertion;
import java.util.stream.Stream;

/**
 * The assertion with the highest confidence per predicate, ties going to the newer one;
 * predicates in name order.
 */
public final class ConfidenceLens implements LensResolver {

    @Override
    public Stream<Assertion> resolve(ConceptAssertions concept, String predicate) {
        return PerPredicate.select(concept, predicate, PredicateAssertions::mostConfident);
    }
}
