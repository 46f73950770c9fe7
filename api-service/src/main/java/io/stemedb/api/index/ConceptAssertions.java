package io.stemedb.api.index;

import io.stemedb.common.model.LogRecord;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Every assertion about one concept, per predicate, and its history (assertions and retractions) in log order. */
public final class ConceptAssertions {

    private final String path;
    private final NavigableMap<String, PredicateAssertions> byPredicate = new ConcurrentSkipListMap<>();
    private final AppendOnlyList<LogRecord> history = new AppendOnlyList<>();

    ConceptAssertions(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** Writer thread only. */
    void add(AssertionState state) {
        byPredicate.computeIfAbsent(state.assertion().predicate(), predicate -> new PredicateAssertions()).add(state);
        history.add(state.assertion());
    }

    /** Writer thread only: a retraction of one of this concept's assertions, for the history lens. */
    void addToHistory(LogRecord record) {
        history.add(record);
    }

    /** Predicates in name order. */
    public NavigableMap<String, PredicateAssertions> predicates() {
        return byPredicate;
    }

    public PredicateAssertions predicate(String predicate) {
        return byPredicate.get(predicate);
    }

    /** Assertions and retractions in log order. */
    public List<LogRecord> history() {
        return history.snapshot();
    }
}
