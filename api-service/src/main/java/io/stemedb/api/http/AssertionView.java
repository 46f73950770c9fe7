package io.stemedb.api.http;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.Assertion;

/**
 * An assertion as the API shows it. {@code value} and {@code confidence} are written as the
 * canonical JSON the log holds, so a client reads back exactly the bytes the content hash covers.
 */
public record AssertionView(
        String id,
        String conceptPath,
        String predicate,
        @JsonRawValue String value,
        String agentId,
        @JsonRawValue String confidence,
        String timestamp,
        long term,
        long index) {

    public static AssertionView of(Assertion assertion) {
        return new AssertionView(
                assertion.id(),
                assertion.conceptPath(),
                assertion.predicate(),
                assertion.content().valueJson(),
                assertion.content().agentId(),
                assertion.content().confidence(),
                HlcTimestamp.format(assertion.hlc()),
                assertion.term(),
                assertion.index());
    }
}
