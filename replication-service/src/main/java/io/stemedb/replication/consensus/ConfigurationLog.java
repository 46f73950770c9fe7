package io.stemedb.replication.consensus;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The configurations a log holds, by index: the bootstrap configuration at index 0 (every member of
 * a new cluster starts with the same one) and every configuration entry after it. The one in force
 * is the newest in the log, committed or not (Raft §4.1); a truncation that removes a
 * configuration entry puts the one before it back in force.
 */
final class ConfigurationLog {

    private final NavigableMap<Long, ClusterConfiguration> byIndex = new TreeMap<>();

    ConfigurationLog(ClusterConfiguration bootstrap, Map<Long, ClusterConfiguration> entries) {
        byIndex.put(0L, bootstrap);
        byIndex.putAll(entries);
    }

    ClusterConfiguration current() {
        return byIndex.lastEntry().getValue();
    }

    long currentIndex() {
        return byIndex.lastKey();
    }

    /** The configuration before the current one (the current one itself if there is none). */
    ClusterConfiguration previous() {
        Map.Entry<Long, ClusterConfiguration> before = byIndex.lowerEntry(byIndex.lastKey());
        return before == null ? current() : before.getValue();
    }

    void add(long index, ClusterConfiguration configuration) {
        byIndex.put(index, configuration);
    }

    /** The configuration in force at {@code index}: the newest at or below it. */
    ClusterConfiguration at(long index) {
        Map.Entry<Long, ClusterConfiguration> entry = byIndex.floorEntry(index);
        return entry == null ? byIndex.firstEntry().getValue() : entry.getValue();
    }

    /** The log was rebased after {@code base}: the configuration in force there is all it knows. */
    void rebase(long base, ClusterConfiguration inForce) {
        byIndex.clear();
        byIndex.put(base, inForce);
    }

    void truncateFrom(long index) {
        byIndex.tailMap(Math.max(1, index), true).clear();
    }
}
