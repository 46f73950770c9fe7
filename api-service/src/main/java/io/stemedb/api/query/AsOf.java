package io.stemedb.api.query;

/**
 * A query's {@code as_of}: which point of the log it answers for.
 *
 * @param kind  which field set it
 * @param value the log index, the epoch number, or the packed timestamp
 */
public record AsOf(Kind kind, long value) {

    public enum Kind {
        /** {@code as_of_index}: records at or below this log index. */
        INDEX("as_of_index"),
        /** {@code as_of_epoch}: records before epoch N's own place in the log. */
        EPOCH("as_of_epoch"),
        /** {@code as_of_timestamp}: records stamped at or before this instant. */
        TIMESTAMP("as_of_timestamp");

        private final String field;

        Kind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
