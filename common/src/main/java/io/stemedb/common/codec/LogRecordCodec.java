package io.stemedb.common.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import io.stemedb.proto.records.AssertionRecord;
import io.stemedb.proto.records.EpochRecord;
import io.stemedb.proto.records.RetractionRecord;
import io.stemedb.proto.records.VoteRecord;
import io.stemedb.proto.wal.EntryType;

/**
 * Converts log records to and from journal payloads (stemedb_records.proto). Term and index are
 * not in the payload: the journal frames every entry with them.
 */
public final class LogRecordCodec {

    private LogRecordCodec() {}

    public static EntryType typeOf(LogRecord record) {
        if (record instanceof Assertion) {
            return EntryType.ENTRY_TYPE_ASSERTION;
        } else if (record instanceof Retraction) {
            return EntryType.ENTRY_TYPE_RETRACTION;
        } else if (record instanceof Vote) {
            return EntryType.ENTRY_TYPE_VOTE;
        }
        return EntryType.ENTRY_TYPE_EPOCH;
    }

    /** The payload of a record; its term and index are ignored (the journal assigns them). */
    public static byte[] encode(LogRecord record) {
        if (record instanceof Assertion assertion) {
            return encode(assertion.id(), assertion.content(), assertion.hlc());
        } else if (record instanceof Retraction retraction) {
            return RetractionRecord.newBuilder()
                    .setId(retraction.id())
                    .setAssertionId(retraction.assertionId())
                    .setAgentId(retraction.agentId())
                    .setReason(retraction.reason())
                    .setHlc(retraction.hlc())
                    .build().toByteArray();
        } else if (record instanceof Vote vote) {
            return VoteRecord.newBuilder()
                    .setId(vote.id())
                    .setAssertionId(vote.assertionId())
                    .setAgentId(vote.agentId())
                    .setWeight(vote.weight())
                    .setHlc(vote.hlc())
                    .build().toByteArray();
        }
        Epoch epoch = (Epoch) record;
        return EpochRecord.newBuilder()
                .setNumber(epoch.number())
                .setLabel(epoch.label())
                .setHlc(epoch.hlc())
                .build().toByteArray();
    }

    public static byte[] encode(String id, AssertionContent content, long hlc) {
        return AssertionRecord.newBuilder()
                .setId(id)
                .setConceptPath(content.conceptPath())
                .setPredicate(content.predicate())
                .setValueJson(content.valueJson())
                .setAgentId(content.agentId())
                .setConfidence(content.confidence())
                .setHlc(hlc)
                .build()
                .toByteArray();
    }

    /** Whether an entry of this type is the consensus's own (a term's no-op, a configuration), not a record. */
    public static boolean isConsensusEntry(int entryType) {
        return entryType == EntryType.ENTRY_TYPE_NOOP_VALUE || entryType == EntryType.ENTRY_TYPE_CONFIGURATION_VALUE;
    }

    /**
     * @return the record, or null for the consensus's own entries ({@link #isConsensusEntry}) and
     *     for an entry type this version does not know (a newer writer)
     * @throws IllegalArgumentException if the payload does not parse; the journal's checksum has
     *     already passed, so this means a bug or a foreign journal, never a torn write
     */
    public static LogRecord decode(int entryType, byte[] payload, long term, long index) {
        try {
            EntryType type = EntryType.forNumber(entryType);
            return switch (type == null ? EntryType.UNRECOGNIZED : type) {
                case ENTRY_TYPE_ASSERTION -> decodeAssertion(payload, term, index);
                case ENTRY_TYPE_RETRACTION -> {
                    RetractionRecord record = RetractionRecord.parseFrom(payload);
                    yield new Retraction(record.getId(), record.getAssertionId(), record.getAgentId(), record.getReason(),
                            record.getHlc(), term, index);
                }
                case ENTRY_TYPE_VOTE -> {
                    VoteRecord record = VoteRecord.parseFrom(payload);
                    yield new Vote(record.getId(), record.getAssertionId(), record.getAgentId(), record.getWeight(),
                            record.getHlc(), term, index);
                }
                case ENTRY_TYPE_EPOCH -> {
                    EpochRecord record = EpochRecord.parseFrom(payload);
                    yield new Epoch(record.getNumber(), record.getLabel(), record.getHlc(), term, index);
                }
                case ENTRY_TYPE_NOOP, ENTRY_TYPE_CONFIGURATION, ENTRY_TYPE_UNSPECIFIED, UNRECOGNIZED -> null;
            };
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("entry " + index + " of type " + entryType + " does not parse", e);
        }
    }

    private static Assertion decodeAssertion(byte[] payload, long term, long index) throws InvalidProtocolBufferException {
        AssertionRecord record = AssertionRecord.parseFrom(payload);
        AssertionContent content = new AssertionContent(
                record.getConceptPath(),
                record.getPredicate(),
                record.getValueJson(),
                record.getAgentId(),
                record.getConfidence());
        return new Assertion(record.getId(), content, record.getHlc(), term, index);
    }
}
