package io.stemedb.api.write;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs actions one at a time per key (an assertion id, an agent's vote on an assertion), so that
 * "is it already there? if not, write it" cannot interleave for the same key and store a fact
 * twice. Different keys run in parallel. Multi-key actions take their keys in sorted order, so
 * two of them cannot wait on each other.
 */
final class KeyedSerializer {

    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    <T> T serialized(SortedSet<String> keys, Supplier<T> action) {
        List<String> taken = new ArrayList<>(keys.size());
        CompletableFuture<Void> mine = new CompletableFuture<>();
        try {
            for (String key : keys) {
                while (true) {
                    CompletableFuture<Void> other = inFlight.putIfAbsent(key, mine);
                    if (other == null) {
                        taken.add(key);
                        break;
                    }
                    // Bounded: the holder's write ends with the wal-service's deadline at the latest.
                    other.join();
                }
            }
            return action.get();
        } finally {
            taken.forEach(key -> inFlight.remove(key, mine));
            mine.complete(null);
        }
    }
}
