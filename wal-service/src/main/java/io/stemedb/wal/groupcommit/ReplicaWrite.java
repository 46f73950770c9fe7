package io.stemedb.wal.groupcommit;

import io.stemedb.wal.fencing.TermGuard;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A replica's journal write, as its consensus decided it: drop every entry from
 * {@code truncateFrom} on (0: none), then append {@code entries} at their own indexes and terms;
 * or a {@linkplain #rebase rebase}. The committer runs it alone on the writer thread, under the commit lock, between batches, so
 * every written entry is durable when it starts and nothing interleaves with it.
 */
final class ReplicaWrite implements PendingWrite {

    private final long truncateFrom;
    private final List<JournalEntry> entries;
    /** A rebase's base (0: none), its term and the configuration in force there. */
    private final long rebaseTo;
    private final long rebaseTerm;
    private final byte[] rebaseConfiguration;
    private final CompletableFuture<ReplicaAppendResult> result = new CompletableFuture<>();

    ReplicaWrite(long truncateFrom, List<JournalEntry> entries) {
        this(truncateFrom, entries, 0, 0, new byte[0]);
    }

    /**
     * A rebase: every entry goes, those from {@code handOverFrom} on are answered as dropped, and
     * the journal continues after {@code base} of {@code baseTerm}.
     */
    static ReplicaWrite rebase(long handOverFrom, List<JournalEntry> entries, long base, long baseTerm,
            byte[] configuration) {
        if (!entries.isEmpty()) {
            throw new IllegalArgumentException("a rebase carries no entries; send them after it");
        }
        if (base < 1 || baseTerm < 1) {
            throw new IllegalArgumentException("rebase_to and rebase_term are required for a rebase (got "
                    + base + " and " + baseTerm + ")");
        }
        return new ReplicaWrite(handOverFrom, entries, base, baseTerm, configuration);
    }

    private ReplicaWrite(long truncateFrom, List<JournalEntry> entries, long rebaseTo, long rebaseTerm,
            byte[] rebaseConfiguration) {
        if (truncateFrom < 0) {
            throw new IllegalArgumentException("truncate_from must not be negative");
        }
        for (JournalEntry entry : entries) {
            if (entry.term() < 1) {
                throw new IllegalArgumentException("replica entry " + entry.index()
                        + " has no term; a replica's entries keep the term the primary wrote them in");
            }
        }
        this.truncateFrom = truncateFrom;
        this.entries = List.copyOf(entries);
        this.rebaseTo = rebaseTo;
        this.rebaseTerm = rebaseTerm;
        this.rebaseConfiguration = rebaseConfiguration.clone();
    }

    CompletableFuture<ReplicaAppendResult> result() {
        return result;
    }

    @Override
    public void fail(Throwable cause) {
        result.completeExceptionally(cause);
    }

    void complete(ReplicaAppendResult outcome) {
        result.complete(outcome);
    }

    /**
     * Checks, truncates, writes and makes durable. Writer thread, commit lock held.
     *
     * @throws ReplicaAppendRefusedException if the write does not fit; nothing changed
     * @throws IOException if the disk refused; the journal must be rebuilt
     */
    ReplicaAppendResult apply(ChronicleJournal journal, TermGuard guard, CommitObserver observer) throws IOException {
        if (rebaseTo > 0) {
            return applyRebase(journal, guard, observer);
        }
        check(journal, guard);
        List<JournalEntry> dropped = List.of();
        if (truncateFrom != 0 && truncateFrom <= journal.lastWrittenIndex()) {
            dropped = journal.truncateFrom(truncateFrom);
        }
        if (!entries.isEmpty()) {
            long bytes = 0;
            for (JournalEntry entry : entries) {
                long index = journal.write(new EntryToWrite(entry.term(), entry.type(), entry.payload()));
                if (index != entry.index()) {
                    throw new IllegalStateException("replica entry " + entry.index() + " was written at " + index);
                }
                bytes += entry.payload().length;
            }
            long started = System.nanoTime();
            journal.force();
            observer.committed(System.nanoTime() - started, entries.size(), bytes);
            journal.publishDurable(journal.lastWrittenIndex());
        }
        observer.replicaAppended(entries.size(), dropped.size());
        return new ReplicaAppendResult(dropped, journal.lastWrittenIndex());
    }

    private ReplicaAppendResult applyRebase(ChronicleJournal journal, TermGuard guard, CommitObserver observer)
            throws IOException {
        refuseInPrimaryMode(guard);
        if (rebaseTerm > guard.fencedTerm()) {
            throw new ReplicaAppendRefusedException("rebase_term " + rebaseTerm + " is above the fenced term "
                    + guard.fencedTerm() + "; persist the term (SetHardState) first");
        }
        long committed = journal.commitIndex();
        if (rebaseTo < committed) {
            throw new ReplicaAppendRefusedException("rebase_to " + rebaseTo + " is below the commit index " + committed
                    + "; a rebase never goes back");
        }
        long last = journal.lastWrittenIndex();
        if (truncateFrom != 0 && truncateFrom <= last && truncateFrom <= committed) {
            throw new ReplicaAppendRefusedException("truncate_from " + truncateFrom
                    + " would hand over committed entries (commit index " + committed + ")");
        }
        List<JournalEntry> all = journal.rebase(rebaseTo, rebaseTerm, rebaseConfiguration);
        List<JournalEntry> handedOver = truncateFrom == 0 ? List.of()
                : all.stream().filter(entry -> entry.index() >= truncateFrom).toList();
        observer.replicaAppended(0, all.size());
        return new ReplicaAppendResult(handedOver, journal.lastWrittenIndex());
    }

    private static void refuseInPrimaryMode(TermGuard guard) {
        if (guard.primary()) {
            throw new ReplicaAppendRefusedException("the journal is in primary mode (term " + guard.fencedTerm()
                    + "); a primary's journal takes no replica appends");
        }
    }

    private void check(ChronicleJournal journal, TermGuard guard) {
        refuseInPrimaryMode(guard);
        long fenced = guard.fencedTerm();
        for (JournalEntry entry : entries) {
            if (entry.term() > fenced) {
                throw new ReplicaAppendRefusedException("entry " + entry.index() + " has term " + entry.term()
                        + ", above the fenced term " + fenced + "; persist the term (SetHardState) first");
            }
        }
        long last = journal.lastWrittenIndex();
        long first = entries.isEmpty() ? 0 : entries.get(0).index();
        long expected = last + 1;
        if (truncateFrom != 0) {
            if (truncateFrom > last + 1) {
                throw new ReplicaAppendRefusedException("truncate_from " + truncateFrom
                        + " is more than one past the last index " + last);
            }
            if (truncateFrom <= last) {
                checkTruncation(journal, last);
            }
            expected = truncateFrom;
        }
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).index() != expected + i) {
                throw new ReplicaAppendRefusedException("entries must follow the journal without a gap: expected index "
                        + (expected + i) + " but got " + entries.get(i).index()
                        + (i == 0 ? " (the journal ends at " + last + ", truncate_from " + truncateFrom + ")"
                                : " (after " + first + ")"));
            }
        }
    }

    /** What a truncation may not drop, whatever the caller believes. */
    private void checkTruncation(ChronicleJournal journal, long last) {
        long committed = journal.commitIndex();
        if (truncateFrom <= committed) {
            throw new ReplicaAppendRefusedException("truncate_from " + truncateFrom
                    + " would drop committed entries (commit index " + committed + ")");
        }
        long firstKept = journal.firstIndex();
        if (firstKept > 1 && truncateFrom <= firstKept && journal.baseTerm() == 0) {
            // Emptied without a base it knows, the journal could not tell after a restart where its
            // indexes continue (with one, it continues after the base).
            throw new ReplicaAppendRefusedException("truncate_from " + truncateFrom + " would drop every entry"
                    + " the journal holds (" + firstKept + ".." + last + "); retention deleted the ones before "
                    + firstKept);
        }
    }
}
