package io.stemedb.api.index;

import java.util.Comparator;
import java.util.List;

/**
 * Every assertion about one (concept, predicate), in log order. The per-predicate lenses pick
 * their winner among the ones visible at the query's cut; that costs a pass over this
 * predicate's assertions, which keeps every lens exact under retractions, votes and {@code as_of}.
 *
 * <p>Most predicates of most concepts only ever get one assertion: that one is held in a field,
 * and the list (with its array) exists only once a second arrives — about 60 bytes less per
 * predicate, which at a million predicates is 60 MB of heap. Readers look at the list first: once
 * it exists it holds the first assertion too.
 */
public final class PredicateAssertions {

    private final String predicate;
    private volatile AssertionState first;
    private volatile AppendOnlyList<AssertionState> all;

    PredicateAssertions(String predicate) {
        this.predicate = predicate;
    }

    String predicate() {
        return predicate;
    }

    /** Writer thread only. */
    void add(AssertionState state) {
        if (first == null) {
            first = state;
            return;
        }
        AppendOnlyList<AssertionState> list = all;
        if (list == null) {
            list = new AppendOnlyList<>();
            list.add(first);
            list.add(state);
            all = list;
        } else {
            list.add(state);
        }
    }

    public List<AssertionState> all() {
        AppendOnlyList<AssertionState> list = all;
        if (list != null) {
            return list.snapshot();
        }
        AssertionState only = first;
        return only == null ? List.of() : List.of(only);
    }

    /** The best assertion visible at {@code cut} by {@code order} (greatest wins), or null. */
    public AssertionState best(Cut cut, Comparator<AssertionState> order) {
        AssertionState best = null;
        for (AssertionState state : all()) {
            if (state.visibleAt(cut) && (best == null || order.compare(state, best) > 0)) {
                best = state;
            }
        }
        return best;
    }
}
