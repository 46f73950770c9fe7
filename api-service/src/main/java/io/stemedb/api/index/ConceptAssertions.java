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

    /** Writer thread only: the entry of {@code predicate}, made (empty) if there is none yet. */
    PredicateAssertions predicateFor(String predicate) {
        return byPredicate.computeIfAbsent(predicate, PredicateAssertions::new);
    }

    /** Writer thread only: an assertion about this concept, or a retraction of one, for the history lens. */
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
