package io.stemedb.api.index;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One instance of each agent id and confidence the index holds, and one parsed confidence per
 * distinct string. A million assertions from a handful of agents would otherwise carry a million
 * copies of the same few strings and a million equal {@link BigDecimal}s (about 150 bytes per
 * assertion). Writer thread only.
 *
 * <p>Bounded: past {@link #LIMIT} distinct values (agents are open-ended) a new value is kept as
 * it came, so a store written by millions of agents costs no more than before.
 */
final class SharedValues {

    static final int LIMIT = 65_536;

    private final Map<String, String> strings = new HashMap<>();
    private final Map<String, BigDecimal> confidences = new HashMap<>();

    /** The shared instance equal to {@code value}. */
    String share(String value) {
        String shared = strings.get(value);
        if (shared != null) {
            return shared;
        }
        if (strings.size() < LIMIT) {
            strings.put(value, value);
        }
        return value;
    }

    /** {@code confidence} parsed, one instance per distinct string. */
    BigDecimal confidence(String confidence) {
        BigDecimal parsed = confidences.get(confidence);
        if (parsed != null) {
            return parsed;
        }
        parsed = new BigDecimal(confidence);
        if (confidences.size() < LIMIT) {
            confidences.put(confidence, parsed);
        }
        return parsed;
    }
}
