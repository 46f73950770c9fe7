package io.stemedb.wal.journal;

import java.util.Objects;

/** An entry before the journal has given it an index. */
public record EntryToWrite(long term, int type, byte[] payload) {

    public EntryToWrite {
        Objects.requireNonNull(payload, "payload");
    }
}
