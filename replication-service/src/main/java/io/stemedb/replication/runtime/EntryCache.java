package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.consensus.LogStore;
import io.stemedb.replication.transport.JournalEntries;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The newest durable entries, kept in memory for shipping: a primary sends replicas what it has
 * just written, so almost every read is served from here; a replica far behind is served from the
 * journal. Bounded by bytes, the oldest go first. Used by the consensus thread only.
 */
final class EntryCache implements LogStore {

    private final NavigableMap<Long, Entry> entries = new TreeMap<>();
    private final long maxBytes;
    private final JournalPort journal;
    private long bytes;
    private long journalReads;

    EntryCache(long maxBytes, JournalPort journal) {
        this.maxBytes = maxBytes;
        this.journal = journal;
    }

    /** Entries just made durable, in index order; a gap (or going back) starts the cache afresh. */
    void add(List<Entry> durable) {
        for (Entry entry : durable) {
            if (!entries.isEmpty() && entry.index() != entries.lastKey() + 1) {
                if (entry.index() <= entries.lastKey()) {
                    dropFrom(entry.index());
                } else {
                    entries.clear();
                    bytes = 0;
                }
            }
            entries.put(entry.index(), entry);
            bytes += JournalEntries.weight(entry);
        }
        while (bytes > maxBytes && entries.size() > 1) {
            bytes -= JournalEntries.weight(entries.pollFirstEntry().getValue());
        }
    }

    /** Forgets entries from {@code index} on (they were truncated). */
    void dropFrom(long index) {
        NavigableMap<Long, Entry> cut = entries.tailMap(index, true);
        for (Entry entry : cut.values()) {
            bytes -= JournalEntries.weight(entry);
        }
        cut.clear();
    }

    @Override
    public List<Entry> entries(long fromIndex, long toIndex, int maxEntries) {
        if (!entries.isEmpty() && entries.firstKey() <= fromIndex) {
            List<Entry> found = new ArrayList<>();
            for (Entry entry : entries.subMap(fromIndex, true, toIndex, true).values()) {
                if (found.size() == maxEntries) {
                    break;
                }
                found.add(entry);
            }
            if (!found.isEmpty() || fromIndex > entries.lastKey()) {
                return found;
            }
        }
        journalReads++;
        try {
            List<Entry> read = journal.read(fromIndex, maxEntries);
            read.removeIf(entry -> entry.index() > toIndex);
            return read;
        } catch (RuntimeException unavailable) {
            // Nothing to send now; the consensus asks again at the next heartbeat.
            return List.of();
        }
    }

    long journalReads() {
        return journalReads;
    }
}
