package io.stemedb.wal.journal;

/** A reader asked for entries that retention has already deleted. */
public final class EntriesDeletedException extends RuntimeException {

    public EntriesDeletedException(long requested, long firstRetained) {
        super("entry " + requested + " has been deleted by retention; the journal starts at entry " + firstRetained
                + " (load a snapshot, or sync from a replica, first)");
    }
}
