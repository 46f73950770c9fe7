package io.stemedb.api.query.lens;

import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.common.model.Assertion;
import java.util.stream.Stream;

/** How one lens reads one concept: which of its assertions answer a query. */
public interface LensResolver {

    /**
     * @param predicate the predicate asked about, or null for every predicate of the concept
     * @return the answer's assertions for this concept, in the lens's order
     */
    Stream<Assertion> resolve(ConceptAssertions concept, String predicate);
}
