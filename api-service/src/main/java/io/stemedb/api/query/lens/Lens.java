package io.stemedb.api.query.lens;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The lenses a query may name, by their wire names. */
public enum Lens {
    RECENCY("recency", new RecencyLens()),
    CONFIDENCE("confidence", new ConfidenceLens()),
    HISTORY("history", new HistoryLens());

    private final String wireName;
    private final LensResolver resolver;

    Lens(String wireName, LensResolver resolver) {
        this.wireName = wireName;
        this.resolver = resolver;
    }

    public String wireName() {
        return wireName;
    }

    public LensResolver resolver() {
        return resolver;
    }

    public static Optional<Lens> fromWireName(String name) {
        return Arrays.stream(values()).filter(lens -> lens.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Lens::wireName).toList();
    }
}
