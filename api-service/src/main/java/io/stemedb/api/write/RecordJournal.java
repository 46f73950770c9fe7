package io.stemedb.api.write;

import io.stemedb.api.error.UnavailableException;
import io.stemedb.common.model.LogRecord;
import java.util.List;

/**
 * Where the write paths put records: appended durably, in one contiguous run, at log indexes the
 * journal assigns. {@link JournalAppender} is the node's (the wal-service over gRPC); tests give
 * the writers one in memory to drive them into races a real disk makes rare.
 */
public interface RecordJournal {

    /** The term this node appends in. */
    long term();

    /** Refuses (503 {@code starting}) until the local index has caught up with the journal. */
    void requireCaughtUp();

    /**
     * Appends the records (their term and index fields are ignored) and returns the log index each
     * got, in order, once all are durable. With {@code awaitIndex} the answer also waits (briefly)
     * for the local index to apply them.
     *
     * @throws UnavailableException when they cannot be made durable now (503)
     */
    List<Long> append(List<? extends LogRecord> records, boolean awaitIndex);

    /** The highest log index acknowledged to a writer. */
    long highestAcknowledgedIndex();
}
