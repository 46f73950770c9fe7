package io.stemedb.wal.journal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every reader not yet closed, so that a truncation can tell those that returned a dropped entry.
 * Readers register when opened and leave when closed; {@link #truncatedFrom} runs under the queue's
 * write lock, so no reader is between reading an entry and recording it.
 */
final class OpenReaders {

    private final Set<JournalReader> readers = ConcurrentHashMap.newKeySet();

    void add(JournalReader reader) {
        readers.add(reader);
    }

    void remove(JournalReader reader) {
        readers.remove(reader);
    }

    /** Entries from {@code index} on are gone: every reader that returned one of them fails from now on. */
    void truncatedFrom(long index) {
        readers.forEach(reader -> reader.truncatedFrom(index));
    }
}
