package io.stemedb.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.api.query.lens.QueryHit;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;

/**
 * Any log record as the API shows it; fields that do not apply to a record's {@code type} are left
 * out. {@code value} and {@code confidence} are written as the canonical JSON the log holds, so a
 * client reads back exactly the bytes the content hash covers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecordView(
        String type,
        String id,
        String conceptPath,
        String predicate,
        @JsonRawValue String value,
        String agentId,
        @JsonRawValue String confidence,
        String assertionId,
        Integer weight,
        String reason,
        Long number,
        String label,
        String timestamp,
        long term,
        long index,
        Integer netVotes,
        Boolean retracted) {

    public static RecordView of(LogRecord record) {
        return of(record, null, null, null);
    }

    /** A query result: the record, with the lens's extras, and for a retraction its target's concept and predicate. */
    public static RecordView of(QueryHit hit, AssertionIndex index) {
        return of(hit.record(), hit.netVotes(), hit.retracted() ? Boolean.TRUE : null, index.subjectOf(hit.record()));
    }

    public static RecordView of(LogRecord record, Integer netVotes, Boolean retracted, AssertionState target) {
        String timestamp = HlcTimestamp.format(record.hlc());
        if (record instanceof Assertion assertion) {
            return new RecordView("assertion", assertion.id(), assertion.conceptPath(), assertion.predicate(),
                    assertion.content().valueJson(), assertion.content().agentId(), assertion.content().confidence(),
                    null, null, null, null, null, timestamp, record.term(), record.index(), netVotes, retracted);
        } else if (record instanceof Retraction retraction) {
            return new RecordView("retraction", retraction.id(),
                    target == null ? null : target.assertion().conceptPath(),
                    target == null ? null : target.assertion().predicate(),
                    null, retraction.agentId(), null, retraction.assertionId(), null, retraction.reason(), null, null,
                    timestamp, record.term(), record.index(), null, null);
        } else if (record instanceof Vote vote) {
            return new RecordView("vote", vote.id(), null, null, null, vote.agentId(), null, vote.assertionId(),
                    vote.weight(), null, null, null, timestamp, record.term(), record.index(), netVotes, null);
        }
        Epoch epoch = (Epoch) record;
        return new RecordView("epoch", null, null, null, null, null, null, null, null, null, epoch.number(),
                epoch.label(), timestamp, record.term(), record.index(), null, null);
    }
}
