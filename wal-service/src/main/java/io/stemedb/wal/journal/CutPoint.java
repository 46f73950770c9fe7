package io.stemedb.wal.journal;

import java.nio.file.Path;

/**
 * Where a journal must be cut: the document at {@code sequence} of {@code cycle} (in
 * {@code segment}) and everything after it go.
 */
record CutPoint(int cycle, long sequence, Path segment, String reason, String detail) {

    static final String DAMAGED = "damaged";
    static final String NOT_DURABLE = "not_durable";
    /** Dropped on purpose: a replica's consensus replaced its uncommitted suffix. */
    static final String TRUNCATED = "truncated";
}
