package io.stemedb.api.index;

import io.stemedb.common.model.LogRecord;

/**
 * Which records a query sees: those at or below a log index and at or below a timestamp. A query
 * "now" cuts at the index applied when it started; {@code as_of_index}, {@code as_of_epoch} and
 * {@code as_of_timestamp} lower one bound or the other. Because every lens is evaluated against a
 * cut, not against the index's latest state, an answer is exactly what a query at that point
 * would have answered, and the pages of one paginated query all see the same data.
 *
 * @param maxIndex highest log index included
 * @param maxHlc   highest hybrid logical timestamp included (packed)
 */
public record Cut(long maxIndex, long maxHlc) {

    public static Cut atIndex(long maxIndex) {
        return new Cut(maxIndex, Long.MAX_VALUE);
    }

    public boolean includes(LogRecord record) {
        return record.index() <= maxIndex && Long.compareUnsigned(record.hlc(), maxHlc) <= 0;
    }
}
