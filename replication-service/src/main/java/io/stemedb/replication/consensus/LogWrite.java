package io.stemedb.replication.consensus;

import java.util.List;

/**
 * A replica's change to its own journal, to be made durable before the messages drained with it
 * are sent: first drop every entry from {@code truncateFrom} on (0: none), then append
 * {@code entries} at their indexes. Truncated entries were never committed; their records are
 * handed to the primary, which appends the ones it lacks, so nothing that was durable is lost.
 *
 * <p>A rebase ({@code rebaseTo} > 0, no entries) drops every entry of the journal: those from
 * {@code truncateFrom} on, never committed here, are handed over as above; the ones before were
 * committed. The journal then continues after entry {@code rebaseTo} of {@code rebaseTerm}, with
 * {@code configuration} in force there, all three kept durably (a restart starts from them). The
 * records up to {@code rebaseTo} reach the node's store by anti-entropy: the primary's log no
 * longer holds them.
 */
public record LogWrite(long truncateFrom, List<Entry> entries, long rebaseTo, long rebaseTerm,
        ClusterConfiguration configuration) {

    public LogWrite {
        entries = List.copyOf(entries);
        if (rebaseTo > 0 && (!entries.isEmpty() || configuration == null)) {
            throw new IllegalArgumentException("a rebase carries no entries and the configuration in force at its base");
        }
    }

    public LogWrite(long truncateFrom, List<Entry> entries) {
        this(truncateFrom, entries, 0, 0, null);
    }

    static LogWrite rebase(long handOverFrom, long base, long baseTerm, ClusterConfiguration configuration) {
        return new LogWrite(handOverFrom, List.of(), base, baseTerm, configuration);
    }

    public boolean isRebase() {
        return rebaseTo > 0;
    }
}
