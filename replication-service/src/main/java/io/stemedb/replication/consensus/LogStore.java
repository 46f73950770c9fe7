package io.stemedb.replication.consensus;

import java.util.List;

/**
 * How the primary's consensus reads entries to ship: from the journal, through whatever cache the
 * caller keeps. Never returns an entry that is not durable. May return fewer entries than asked
 * for, or none if they cannot be read now (the consensus tries again on a later tick).
 */
@FunctionalInterface
public interface LogStore {

    /** Entries {@code fromIndex}.. at most {@code toIndex}, at most {@code maxEntries} of them, in order. */
    List<Entry> entries(long fromIndex, long toIndex, int maxEntries);
}
