package io.stemedb.api.index;

import java.util.Comparator;
import java.util.List;

/**
 * Every assertion about one (concept, predicate), in log order. The per-predicate lenses pick
 * their winner among the ones visible at the query's cut; that costs a pass over this
 * predicate's assertions, which keeps every lens exact under retractions, votes and {@code as_of}.
 */
public final class PredicateAssertions {

    private final AppendOnlyList<AssertionState> assertions = new AppendOnlyList<>();

    /** Writer thread only. */
    void add(AssertionState state) {
        assertions.add(state);
    }

    public List<AssertionState> all() {
        return assertions.snapshot();
    }

    /** The best assertion visible at {@code cut} by {@code order} (greatest wins), or null. */
    public AssertionState best(Cut cut, Comparator<AssertionState> order) {
        AssertionState best = null;
        for (AssertionState state : assertions.snapshot()) {
            if (state.visibleAt(cut) && (best == null || order.compare(state, best) > 0)) {
                best = state;
            }
        }
        return best;
    }
}
