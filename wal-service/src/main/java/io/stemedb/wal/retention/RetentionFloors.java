package io.stemedb.wal.retention;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lowest journal index each consumer (the query index, each replica) still needs. Retention
 * may delete below the lowest of them, and only once every required consumer has reported: a
 * consumer that has not spoken since start-up might need everything.
 *
 * <p>Kept in memory only, on purpose: after a restart nothing is deleted until the required
 * consumers report again, which errs on the side of keeping data.
 */
public final class RetentionFloors {

    private final Set<String> required;
    private final Map<String, Long> floors = new ConcurrentHashMap<>();

    public RetentionFloors(Set<String> required) {
        this.required = Set.copyOf(required);
    }

    /** Records that {@code consumer} needs entries from {@code neededFrom} on; floors only rise. */
    public long report(String consumer, long neededFrom) {
        if (consumer == null || consumer.isBlank()) {
            throw new IllegalArgumentException("a retention report needs a consumer name");
        }
        return floors.merge(consumer, neededFrom, Math::max);
    }

    /** The index below which no consumer needs anything, or empty while a required one is silent. */
    public OptionalLong deletableBelow() {
        if (!floors.keySet().containsAll(required) || floors.isEmpty()) {
            return OptionalLong.empty();
        }
        return floors.values().stream().mapToLong(Long::longValue).min();
    }
}
