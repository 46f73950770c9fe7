package io.stemedb.replication.consensus;

import java.util.List;

/**
 * A replica's change to its own journal, to be made durable before the messages drained with it
 * are sent: first drop every entry from {@code truncateFrom} on (0: none), then append
 * {@code entries} at their indexes. Truncated entries were never committed; their records are
 * handed to the primary, which appends the ones it lacks, so nothing that was durable is lost.
 */
public record LogWrite(long truncateFrom, List<Entry> entries) {

    public LogWrite {
        entries = List.copyOf(entries);
    }
}
