package io.stemedb.wal.grpc;

import io.grpc.Status;
import io.stemedb.wal.fencing.NotPrimaryException;
import io.stemedb.wal.fencing.StaleTermException;
import io.stemedb.wal.fencing.TermMismatchException;
import io.stemedb.wal.fencing.VoteConflictException;
import io.stemedb.wal.groupcommit.OverloadedException;
import io.stemedb.wal.groupcommit.ReplicaAppendRefusedException;
import io.stemedb.wal.journal.JournalUnavailableException;
import java.io.IOException;
import java.util.concurrent.CompletionException;

/** The gRPC status each failure of the journal's calls is answered with (stemedb_wal.proto). */
final class Statuses {

    private Statuses() {}

    static Status of(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof JournalUnavailableException || cause instanceof IOException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage());
        }
        if (cause instanceof StaleTermException || cause instanceof NotPrimaryException
                || cause instanceof VoteConflictException || cause instanceof TermMismatchException
                || cause instanceof ReplicaAppendRefusedException) {
            return Status.FAILED_PRECONDITION.withDescription(cause.getMessage());
        }
        if (cause instanceof OverloadedException) {
            return Status.RESOURCE_EXHAUSTED.withDescription(cause.getMessage());
        }
        if (cause instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(cause.getMessage());
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause)).withCause(cause);
    }
}
