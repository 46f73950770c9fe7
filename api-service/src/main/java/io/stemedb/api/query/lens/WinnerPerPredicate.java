package io.stemedb.api.query.lens;

import io.stemedb.api.index.AssertionState;
import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.Cut;
import io.stemedb.api.index.PredicateAssertions;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The lenses that answer with one assertion per predicate, predicates in name order: the visible
 * (not retracted) assertion that ranks highest by the lens's order at the cut.
 */
final class WinnerPerPredicate implements LensResolver {

    private final Function<Cut, Comparator<AssertionState>> order;
    private final boolean withVotes;

    WinnerPerPredicate(Function<Cut, Comparator<AssertionState>> order, boolean withVotes) {
        this.order = order;
        this.withVotes = withVotes;
    }

    @Override
    public Stream<QueryHit> resolve(ConceptAssertions concept, String predicate, Cut cut) {
        Comparator<AssertionState> ranking = order.apply(cut);
        Stream<PredicateAssertions> predicates = predicate != null
                ? Stream.ofNullable(concept.predicate(predicate))
                : concept.predicates().values().stream();
        return predicates.map(assertions -> assertions.best(cut, ranking))
                .filter(winner -> winner != null)
                .map(winner -> new QueryHit(winner.assertion(), withVotes ? winner.netVotesAt(cut) : null, false));
    }
}
