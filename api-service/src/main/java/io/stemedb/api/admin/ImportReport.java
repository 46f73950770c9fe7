package io.stemedb.api.admin;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an import did, per record type ({@code assertion}, {@code retraction}, {@code vote},
 * {@code epoch}): how many it stored, and how many the node already had.
 */
public final class ImportReport {

    private final Map<String, Long> imported = new TreeMap<>();
    private final Map<String, Long> duplicates = new TreeMap<>();
    private long lines;

    void line() {
        lines++;
    }

    void imported(String type) {
        imported.merge(type, 1L, Long::sum);
    }

    void duplicate(String type) {
        duplicates.merge(type, 1L, Long::sum);
    }

    public long lines() {
        return lines;
    }

    public Map<String, Long> imported() {
        return imported;
    }

    public Map<String, Long> duplicates() {
        return duplicates;
    }
}
