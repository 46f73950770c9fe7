package io.stemedb.wal.groupcommit;

import io.stemedb.wal.journal.JournalEntry;
import java.util.List;

/** What a replica append dropped (in index order) and where the journal ends after it. */
public record ReplicaAppendResult(List<JournalEntry> dropped, long lastIndex) {

    public ReplicaAppendResult {
        dropped = List.copyOf(dropped);
    }
}
