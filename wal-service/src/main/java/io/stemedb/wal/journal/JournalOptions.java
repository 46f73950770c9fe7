package io.stemedb.wal.journal;

import net.openhft.chronicle.queue.RollCycle;

/**
 * How a journal lays out and checks its files.
 *
 * @param rollCycle        Chronicle roll cycle: a new segment file at least this often
 * @param cutDamagedTail   cut a damaged tail of the newest segment at start-up instead of refusing
 *                         to start (see {@link ChronicleJournal#open})
 * @param maxSegmentBytes  start a new segment once the current one holds about this many bytes of
 *                         entries; 0 rotates by time only
 */
public record JournalOptions(RollCycle rollCycle, boolean cutDamagedTail, long maxSegmentBytes) {

    public JournalOptions {
        if (maxSegmentBytes < 0) {
            throw new IllegalArgumentException("maxSegmentBytes must not be negative");
        }
    }
}
