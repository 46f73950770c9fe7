package io.stemedb.api.query.lens;

import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The lenses a query may name, by their wire names (docs/api.md defines each). */
public enum Lens {
    /** The newest live assertion per predicate (by timestamp, then id). */
    RECENCY("recency"),
    /** The live assertion with the highest net votes per predicate, ties by recency. */
    CONSENSUS("consensus"),
    /** The live assertion with the highest confidence per predicate, ties by recency. */
    CONFIDENCE("confidence"),
    /** Every assertion and retraction in log order. */
    HISTORY("history");

    private final String wireName;

    Lens(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public LensResolver resolver(AssertionIndex index) {
        return switch (this) {
            case RECENCY -> new WinnerPerPredicate(cut -> AssertionState.RECENCY_ORDER, false);
            case CONSENSUS -> new WinnerPerPredicate(cut -> Comparator
                    .comparingInt((AssertionState state) -> state.netVotesAt(cut))
                    .thenComparing(AssertionState.RECENCY_ORDER), true);
            case CONFIDENCE -> new WinnerPerPredicate(cut -> Comparator
                    .comparing(AssertionState::confidence)
                    .thenComparing(AssertionState.RECENCY_ORDER), false);
            case HISTORY -> new HistoryLens(index);
        };
    }

    public static Optional<Lens> fromWireName(String name) {
        return Arrays.stream(values()).filter(lens -> lens.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Lens::wireName).toList();
    }
}
