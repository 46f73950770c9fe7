package io.stemedb.common.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.proto.records.AssertionRecord;

/**
 * Converts assertions to and from the journal's payload ({@link AssertionRecord}). Term and index
 * are not in the payload: the journal frames every entry with them.
 */
public final class AssertionRecordCodec {

    private AssertionRecordCodec() {}

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

    /**
     * @throws IllegalArgumentException if the payload is not an assertion record; the journal's
     *     checksum has already passed, so this means a bug or a foreign journal, never a torn write
     */
    public static Assertion decode(byte[] payload, long term, long index) {
        AssertionRecord record;
        try {
            record = AssertionRecord.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("entry " + index + " is not an assertion record", e);
        }
        AssertionContent content = new AssertionContent(
                record.getConceptPath(),
                record.getPredicate(),
                record.getValueJson(),
                record.getAgentId(),
                record.getConfidence());
        return new Assertion(record.getId(), content, record.getHlc(), term, index);
    }
}
