package io.stemedb.api.query.lens;

import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.Cut;
import java.util.stream.Stream;

/** How one lens reads one concept: which of its records answer a query, in which order. */
public interface LensResolver {

    /**
     * @param predicate the predicate asked about, or null for every predicate of the concept
     * @param cut       the records the query may see
     * @return the answer's items for this concept, in the lens's order (always the same order for
     *     the same cut, which is what makes cursors stable)
     */
    Stream<QueryHit> resolve(ConceptAssertions concept, String predicate, Cut cut);
}
