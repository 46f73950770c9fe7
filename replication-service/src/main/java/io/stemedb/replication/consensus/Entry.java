package io.stemedb.replication.consensus;

import java.util.Arrays;

/**
 * One entry of the replicated log: its place ({@code index}), the term of the primary that
 * created it, and what it holds. The payload is opaque here except for configuration entries.
 */
public record Entry(long index, long term, EntryKind kind, byte[] payload) {

    public Entry {
        if (index < 1 || term < 1) {
            throw new IllegalArgumentException("an entry needs index >= 1 and term >= 1, was " + index + "/" + term);
        }
        payload = payload == null ? new byte[0] : payload;
    }

    /** The configuration a {@link EntryKind#CONFIGURATION} entry holds. */
    public ClusterConfiguration configuration() {
        if (kind != EntryKind.CONFIGURATION) {
            throw new IllegalStateException("entry " + index + " is not a configuration entry");
        }
        return ClusterConfiguration.decode(payload);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry entry && entry.index == index && entry.term == term && entry.kind == kind
                && Arrays.equals(entry.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term) * 7 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + kind + " " + payload.length + "B]";
    }
}
