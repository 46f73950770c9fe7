package io.stemedb.common.model;

import java.util.Objects;

/**
 * An assertion as it stands in the log: its content, the content hash that names it, and where
 * and when the log took it.
 *
 * @param id      lowercase hex SHA-256 of the content's canonical encoding
 * @param content the claim
 * @param hlc     hybrid logical clock timestamp, packed (see {@code HlcTimestamp})
 * @param term    the primary's term when it was written
 * @param index   its position in the log, from 1
 */
public record Assertion(String id, AssertionContent content, long hlc, long term, long index) implements LogRecord {

    public Assertion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(content, "content");
    }

    public String conceptPath() {
        return content.conceptPath();
    }

    public String predicate() {
        return content.predicate();
    }

    @Override
    public String type() {
        return "assertion";
    }
}
