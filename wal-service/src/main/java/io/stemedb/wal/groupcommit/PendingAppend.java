package io.stemedb.wal.groupcommit;

import io.stemedb.wal.journal.EntryToWrite;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** An append waiting to join a batch. */
record PendingAppend(List<EntryToWrite> entries, CompletableFuture<AppendResult> result) implements PendingWrite {

    /** The same append with its entries as admitted (term-0 entries stamped). */
    PendingAppend withEntries(List<EntryToWrite> admitted) {
        return new PendingAppend(admitted, result);
    }

    @Override
    public void fail(Throwable cause) {
        result.completeExceptionally(cause);
    }
}
