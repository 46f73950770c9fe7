package io.stemedb.replication.transport;

import com.google.protobuf.ByteString;
import io.stemedb.proto.consensus.LogEntry;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.proto.wal.ReplicaEntry;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.consensus.EntryKind;

/**
 * Between the journal's entries (typed: assertion, vote, …, no-op, configuration) and the
 * consensus's (a kind and an opaque payload). A record keeps its journal type as the payload's
 * first byte, so that a replica writes back exactly the entry the primary's journal holds; the
 * consensus never looks inside a record's payload.
 */
public final class JournalEntries {

    private JournalEntries() {}

    public static Entry fromJournal(WalEntry entry) {
        return toConsensus(entry.getIndex(), entry.getTerm(), entry.getTypeValue(), entry.getPayload());
    }

    public static Entry fromWire(LogEntry entry) {
        return toConsensus(entry.getIndex(), entry.getTerm(), entry.getTypeValue(), entry.getPayload());
    }

    private static Entry toConsensus(long index, long term, int type, ByteString payload) {
        if (type == EntryType.ENTRY_TYPE_NOOP_VALUE) {
            return new Entry(index, term, EntryKind.NOOP, new byte[0]);
        }
        if (type == EntryType.ENTRY_TYPE_CONFIGURATION_VALUE) {
            return new Entry(index, term, EntryKind.CONFIGURATION, payload.toByteArray());
        }
        byte[] typed = new byte[payload.size() + 1];
        typed[0] = (byte) type;
        payload.copyTo(typed, 1);
        return new Entry(index, term, EntryKind.RECORD, typed);
    }

    public static int journalType(Entry entry) {
        return switch (entry.kind()) {
            case NOOP -> EntryType.ENTRY_TYPE_NOOP_VALUE;
            case CONFIGURATION -> EntryType.ENTRY_TYPE_CONFIGURATION_VALUE;
            case RECORD -> entry.payload()[0] & 0xff;
        };
    }

    public static ByteString journalPayload(Entry entry) {
        byte[] payload = entry.payload();
        return entry.kind() == EntryKind.RECORD ? ByteString.copyFrom(payload, 1, payload.length - 1)
                : ByteString.copyFrom(payload);
    }

    public static ReplicaEntry toReplicaWrite(Entry entry) {
        return ReplicaEntry.newBuilder()
                .setIndex(entry.index())
                .setTerm(entry.term())
                .setTypeValue(journalType(entry))
                .setPayload(journalPayload(entry))
                .build();
    }

    public static LogEntry toWire(Entry entry) {
        return LogEntry.newBuilder()
                .setIndex(entry.index())
                .setTerm(entry.term())
                .setTypeValue(journalType(entry))
                .setPayload(journalPayload(entry))
                .build();
    }

    /** The size an entry takes in memory, for the cache's bound. */
    public static long weight(Entry entry) {
        return entry.payload().length + 64L;
    }
}
