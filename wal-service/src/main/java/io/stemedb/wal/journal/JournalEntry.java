package io.stemedb.wal.journal;

import java.util.Objects;

/**
 * One entry of the journal.
 *
 * @param index   position in the log, from 1, without gaps
 * @param term    the term of the primary that wrote it
 * @param type    what the payload holds (a {@code stemedb.wal.v1.EntryType} number)
 * @param payload opaque bytes; the journal never looks inside
 */
public record JournalEntry(long index, long term, int type, byte[] payload) {

    public JournalEntry {
        Objects.requireNonNull(payload, "payload");
    }
}
