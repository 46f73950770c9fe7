package io.stemedb.api.query.lens;

import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.PredicateAssertions;
import io.stemedb.common.model.Assertion;
import java.util.stream.Stream;

/** The newest assertion (by hybrid logical timestamp) per predicate, predicates in name order. */
public final class RecencyLens implements LensResolver {

    @Override
    public Stream<Assertion> resolve(ConceptAssertions concept, String predicate) {
        return PerPredicate.select(concept, predicate, PredicateAssertions::newest);
    }
}
