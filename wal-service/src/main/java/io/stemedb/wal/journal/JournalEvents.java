package io.stemedb.wal.journal;

/** What the journal tells the rest of the service about (metrics, logs). */
public interface JournalEvents {

    /**
     * The journal started writing to a segment file (a Chronicle cycle file).
     *
     * @param rotation true when it replaced an earlier segment while running, false for the
     *     segment in use at start-up
     */
    void segmentOpened(String segmentName, boolean rotation);

    JournalEvents NONE = (segmentName, rotation) -> {};
}
