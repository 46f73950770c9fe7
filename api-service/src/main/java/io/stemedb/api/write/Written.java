package io.stemedb.api.write;

import io.stemedb.common.model.LogRecord;

/**
 * The outcome of one write: the record as the log holds it (with its index), and whether this
 * request created it or found it already there.
 */
public record Written<R extends LogRecord>(R record, boolean created) {}
