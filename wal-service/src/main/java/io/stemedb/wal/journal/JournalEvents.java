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

    /**
     * Entries from {@code fromIndex} on were dropped on purpose (a replica's truncation, or one a
     * crash interrupted, finished at the open); the removed segments went to {@code truncated/}.
     */
    default void truncated(long fromIndex, long entriesDropped) {}

    /**
     * A cut (of a torn tail, of never-durable entries, or a truncation) reached {@code step}, one
     * of {@link #CUT_STEPS}, in that order ({@code moved-later} once per later segment): the files
     * are as that step leaves them. Crash tests stop the process at each step to check that an
     * open makes the journal whole from there; nothing else needs it.
     */
    default void cutReached(String step) {}

    /**
     * The steps of a cut: the kept prefix {@code copied} to scratch space (the journal untouched),
     * the marker made durable ({@code marked}), Chronicle's metadata file deleted
     * ({@code unlisted}), each later segment moved ({@code moved-later}), the original of the cut
     * segment given a durable second name ({@code kept-original}), the cut segment replaced by its
     * prefix ({@code replaced}), both directories fsynced ({@code synced}), the queue reopened
     * ({@code reopened}), the marker removed ({@code unmarked}).
     */
    java.util.List<String> CUT_STEPS = java.util.List.of("copied", "marked", "unlisted", "moved-later", "kept-original",
            "replaced", "synced", "reopened", "unmarked");

    JournalEvents NONE = new JournalEvents() {};
}
