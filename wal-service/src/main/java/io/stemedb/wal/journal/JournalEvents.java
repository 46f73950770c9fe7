package io.stemedb.wal.journal;

/** What the journal tells the rest of the service about (metrics, logs). */
public interface JournalEvents {

    /**
     * The journal started writing to a segment file (a Chronicle cycle file).
     *
     * @param rotation true when it replaced an earlier segment while running, false for the
     *     segment in use at start-up
     */
    default void segmentOpened(String segmentName, boolean rotation) {}

    /**
     * Entries from a damaged or not-durable tail were removed; the original segment was moved to
     * the journal's {@code quarantine} directory.
     *
     * @param reason {@code damaged} (failed its CRC or framing at start-up) or {@code not_durable}
     *     (written but never made durable before a write or fsync failure)
     */
    default void tailCut(String segmentName, String reason, long keptThroughIndex, long documentsDropped) {}

    JournalEvents NONE = new JournalEvents() {};
}
