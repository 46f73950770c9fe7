package io.stemedb.api.index;

import io.stemedb.common.model.Assertion;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Every assertion about one concept: per predicate, and all of them in log order. */
public final class ConceptAssertions {

    private final NavigableMap<String, PredicateAssertions> byPredicate = new ConcurrentSkipListMap<>();
    private final AppendOnlyList<Assertion> history = new AppendOnlyList<>();

    /** Writer thread only. */
    void add(Assertion assertion) {
        byPredicate.computeIfAbsent(assertion.predicate(), predicate -> new PredicateAssertions()).add(assertion);
        history.add(assertion);
    }

    /** Predicates in name order. */
    public NavigableMap<String, PredicateAssertions> predicates() {
        return byPredicate;
    }

    public PredicateAssertions predicate(String predicate) {
        return byPredicate.get(predicate);
    }

    public List<Assertion> history() {
        return history.snapshot();
    }
}
