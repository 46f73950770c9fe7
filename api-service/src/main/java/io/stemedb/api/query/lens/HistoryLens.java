package io.stemedb.api.query.lens;

import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.PredicateAssertions;
import io.stemedb.common.model.Assertion;
import java.util.stream.Stream;

/** Every assertion, in log order. */
public final class HistoryLens implements LensResolver {

    @Override
    public Stream<Assertion> resolve(ConceptAssertions concept, String predicate) {
        if (predicate != null) {
            PredicateAssertions assertions = concept.predicate(predicate);
            return assertions == null ? Stream.empty() : assertions.history().stream();
        }
        return concept.history().stream();
    }
}
