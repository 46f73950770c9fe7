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
 * @param keepTruncations  truncations whose removed segments stay in {@code truncated/}; older
 *                         ones are deleted after each truncation
 */
public record JournalOptions(RollCycle rollCycle, boolean cutDamagedTail, long maxSegmentBytes, int keepTruncations) {

    public static final int DEFAULT_KEEP_TRUNCATIONS = 3;

    public JournalOptions {
        if (maxSegmentBytes < 0) {
            throw new IllegalArgumentException("maxSegmentBytes must not be negative");
        }
        if (keepTruncations < 0) {
            throw new IllegalArgumentException("keepTruncations must not be negative");
        }
    }

    /** With the default number of truncations kept. */
    public JournalOptions(RollCycle rollCycle, boolean cutDamagedTail, long maxSegmentBytes) {
        this(rollCycle, cutDamagedTail, maxSegmentBytes, DEFAULT_KEEP_TRUNCATIONS);
    }
}
