package io.stemedb.wal.groupcommit;

import io.stemedb.wal.fencing.HardState;
import io.stemedb.wal.fencing.NotPrimaryException;
import io.stemedb.wal.fencing.StaleTermException;
import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.fencing.TermGuard;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEntry;
import io.stemedb.wal.journal.JournalUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes appends durable in batches: one thread takes every append waiting, writes them all, calls
 * one fsync, and only then completes their futures. Callers that arrive while an fsync runs form
 * the next batch, so under load many appends share each fsync and throughput follows the disk's
 * bandwidth instead of its fsync latency.
 *
 * <h2>Replica writes</h2>
 * A {@linkplain #replicaAppend replica append} waits in the same queue, in order, but runs alone:
 * a batch being gathered stops before it, and it runs between two batches, when everything written
 * is durable, so its truncation never cuts into a batch and no append interleaves with it.
 *
 * <h2>Failure</h2>
 * When a write or fsync fails, that batch fails, and so does every later append, with the first
 * failure's reason. Retrying the fsync is not safe: after a failed fsync Linux may have marked the
 * dirty pages clean (or dropped them), so a second fsync can succeed without the data being on
 * disk ("fsyncgate"). Instead, every {@code recoveryInterval} the committer asks the journal to
 * {@linkplain ChronicleJournal#recoverAfterFailure() rebuild itself} from the entries that were
 * durable, discarding the unacknowledged rest; once that works (say, after space was freed on a
 * full disk) appends are taken again, with no restart.
 *
 * <h2>Fencing and primary mode</h2>
 * Every batch is checked and written under the {@link TermGuard}'s commit lock, which every change
 * of the hard state and of primary mode takes too: once {@code fence(t)} (or a term raise by
 * {@link #setHardState}) returns, no append of a term below {@code t} is acknowledged any more,
 * even one queued earlier, and no term-0 append is stamped with the old term.
 */
public final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    private static final long IDLE_POLL_MILLIS = 100;

    private final ChronicleJournal journal;
    private final TermGuard guard;
    private final GroupCommitSettings settings;
    private final CommitObserver observer;
    private final BlockingQueue<PendingWrite> pending;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile String failure;
    private long nextRecoveryAttemptNanos;
    /** A replica write met while a batch was gathered; it runs next, alone. Writer thread only. */
    private PendingWrite carried;

    public GroupCommitter(ChronicleJournal journal, TermFence fence, GroupCommitSettings settings,
            CommitObserver observer) {
        this.journal = journal;
        this.guard = new TermGuard(fence);
        this.settings = settings;
        this.observer = observer;
        this.pending = new ArrayBlockingQueue<>(settings.maxPendingAppends());
        this.writer = new Thread(this::run, "wal-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Queues entries to be written as one contiguous run. The future completes once they are
     * durable, or fails with {@link JournalUnavailableException} (nothing acknowledged),
     * {@link OverloadedException} (not queued), {@link StaleTermException} or
     * {@link NotPrimaryException} (nothing written).
     */
    public CompletableFuture<AppendResult> append(List<EntryToWrite> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        enqueue(new PendingAppend(entries, result));
        return result;
    }

    /**
     * Queues a replica's write: drop every entry from {@code truncateFrom} on (0: none), then append
     * {@code entries} at their own indexes and terms. The future completes once the result is
     * durable, with the entries dropped; or fails with {@link ReplicaAppendRefusedException}
     * (nothing changed), {@link JournalUnavailableException} (the new entries were not
     * acknowledged; a truncation may have taken effect) or {@link OverloadedException}.
     *
     * @throws IllegalArgumentException for a negative {@code truncateFrom} or an entry without a term
     */
    public CompletableFuture<ReplicaAppendResult> replicaAppend(long truncateFrom, List<JournalEntry> entries) {
        ReplicaWrite write = new ReplicaWrite(truncateFrom, entries);
        enqueue(write);
        return write.result();
    }

    /**
     * Queues a replica's rebase: the journal continues after entry {@code base} of {@code baseTerm}
     * with {@code configuration} in force there, every entry it holds dropped; the result lists the
     * dropped ones from {@code handOverFrom} on (never committed here). As {@link #replicaAppend}
     * otherwise: it runs alone, in order, and fails the same ways.
     *
     * @throws IllegalArgumentException for entries with a rebase, or a base without a term
     */
    public CompletableFuture<ReplicaAppendResult> rebase(long handOverFrom, List<JournalEntry> entries, long base,
            long baseTerm, byte[] configuration) {
        ReplicaWrite write = ReplicaWrite.rebase(handOverFrom, entries, base, baseTerm, configuration);
        enqueue(write);
        return write.result();
    }

    private void enqueue(PendingWrite write) {
        String failed = failure;
        if (failed != null) {
            write.fail(new JournalUnavailableException(failed));
        } else if (!running) {
            write.fail(new JournalUnavailableException("wal-service is shutting down"));
        } else if (!pending.offer(write)) {
            write.fail(new OverloadedException(settings.maxPendingAppends() + " appends are already waiting for the journal"));
        }
    }

    /** Why the journal stopped taking appends, or null while it takes them. */
    public String failure() {
        return failure;
    }

    /**
     * Raises the fenced term to {@code term} (no change when it is not higher) and returns it once
     * it is on disk; from then on appends of a lower term fail with {@link StaleTermException}.
     * A raise records no vote and ends primary mode.
     */
    public long fence(long term) throws IOException {
        return guard.raiseTo(term);
    }

    /** Records the consensus's term and vote (see {@link TermFence#record}); a higher term ends primary mode. */
    public HardState setHardState(long term, String votedFor) throws IOException {
        return guard.record(term, votedFor);
    }

    /** Enters or leaves primary mode at {@code term}, which must be the fenced term (see {@link TermGuard#setPrimary}). */
    public boolean setPrimary(long term, boolean primary) {
        return guard.setPrimary(term, primary);
    }

    public boolean isPrimary() {
        return guard.primary();
    }

    public long fencedTerm() {
        return guard.fencedTerm();
    }

    public HardState hardState() {
        return guard.hardState();
    }

    private void run() {
        List<PendingAppend> batch = new ArrayList<>();
        while (running || !pending.isEmpty() || carried != null) {
            try {
                if (failure != null) {
                    tryToRecover();
                }
                PendingWrite first = carried != null ? carried : pending.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                if (first instanceof ReplicaWrite replica) {
                    applyAlone(replica);
                    continue;
                }
                PendingAppend append = (PendingAppend) first;
                batch.add(append);
                fillBatch(batch, append.entries().size());
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        failRemaining();
    }

    private void fillBatch(List<PendingAppend> batch, int entries) throws InterruptedException {
        long waitNanos = settings.maxWait().toNanos();
        long deadline = System.nanoTime() + waitNanos;
        while (entries < settings.maxBatchEntries()) {
            PendingWrite next = pending.poll();
            if (next == null && waitNanos > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    next = pending.poll(remaining, TimeUnit.NANOSECONDS);
                }
            }
            if (next == null) {
                return;
            }
            if (next instanceof ReplicaWrite) {
                // It must see this batch durable and run alone: it goes next.
                carried = next;
                return;
            }
            PendingAppend append = (PendingAppend) next;
            batch.add(append);
            entries += append.entries().size();
        }
    }

    private void tryToRecover() {
        long interval = settings.recoveryInterval().toNanos();
        if (interval == 0 || System.nanoTime() - nextRecoveryAttemptNanos < 0) {
            return;
        }
        nextRecoveryAttemptNanos = System.nanoTime() + interval;
        try {
            journal.recoverAfterFailure();
        } catch (IOException | RuntimeException e) {
            observer.recoveryAttempted(false);
            log.warn("WAL still unwritable, next attempt in {} ms: {}", settings.recoveryInterval().toMillis(), e.toString());
            return;
        }
        observer.recoveryAttempted(true);
        log.warn("WAL writable again after: {}; the journal continues from durable index {}", failure,
                journal.durableIndex());
        failure = null;
    }

    private void commit(List<PendingAppend> batch) {
        guard.lock();
        try {
            commitGuarded(batch);
        } finally {
            guard.unlock();
        }
    }

    private void commitGuarded(List<PendingAppend> batch) {
        String failed = failure;
        if (failed != null) {
            batch.forEach(append -> append.fail(new JournalUnavailableException(failed)));
            return;
        }
        List<PendingAppend> admitted = admit(batch);
        if (admitted.isEmpty()) {
            return;
        }
        long[] firstIndexes = new long[admitted.size()];
        int entries = 0;
        long bytes = 0;
        try {
            for (int i = 0; i < admitted.size(); i++) {
                List<EntryToWrite> toWrite = admitted.get(i).entries();
                firstIndexes[i] = journal.lastWrittenIndex() + 1;
                for (EntryToWrite entry : toWrite) {
                    journal.write(entry);
                    bytes += entry.payload().length;
                }
                entries += toWrite.size();
            }
            long started = System.nanoTime();
            journal.force();
            observer.committed(System.nanoTime() - started, entries, bytes);
        } catch (Exception | InternalError e) {
            // InternalError: the JVM's report of SIGBUS on a mapped page, which is how a full disk
            // surfaces when the kernel cannot allocate a block behind a dirty page.
            fail(admitted, e);
            return;
        }
        journal.publishDurable(journal.lastWrittenIndex());
        for (int i = 0; i < admitted.size(); i++) {
            PendingAppend append = admitted.get(i);
            List<EntryToWrite> written = append.entries();
            append.result().complete(new AppendResult(firstIndexes[i], firstIndexes[i] + written.size() - 1,
                    written.get(written.size() - 1).term()));
        }
    }

    /** The appends the fence and primary mode let through, term-0 entries stamped; the others fail. */
    private List<PendingAppend> admit(List<PendingAppend> batch) {
        List<PendingAppend> admitted = new ArrayList<>(batch.size());
        for (PendingAppend append : batch) {
            List<EntryToWrite> entries = new ArrayList<>(append.entries().size());
            try {
                for (EntryToWrite entry : append.entries()) {
                    entries.add(guard.admit(entry));
                }
            } catch (StaleTermException | NotPrimaryException refused) {
                append.fail(refused);
                continue;
            }
            admitted.add(append.withEntries(entries));
        }
        return admitted;
    }

    private void applyAlone(ReplicaWrite write) {
        guard.lock();
        try {
            String failed = failure;
            if (failed != null) {
                write.fail(new JournalUnavailableException(failed));
                return;
            }
            ReplicaAppendResult result;
            try {
                result = write.apply(journal, guard, observer);
            } catch (ReplicaAppendRefusedException refused) {
                write.fail(refused);
                return;
            } catch (Exception | InternalError e) {
                fail(List.of(write), e);
                return;
            }
            write.complete(result);
        } finally {
            guard.unlock();
        }
    }

    private void fail(List<? extends PendingWrite> writes, Throwable cause) {
        String segment = journal.currentSegmentName();
        failure = "journal write or fsync failed on segment " + segment + ": " + cause
                + (settings.recoveryInterval().isZero() ? "; the journal accepts no appends until wal-service restarts"
                        : "; appends are refused until the journal can be rebuilt from its durable entries");
        nextRecoveryAttemptNanos = System.nanoTime() + settings.recoveryInterval().toNanos();
        observer.failed(segment, cause);
        if (settings.logFsyncErrors()) {
            log.error("WAL fsync failed on segment {}; {} appends not acknowledged", segment, writes.size(), cause);
        } else {
            log.error("WAL fsync failed on segment {}: {}", segment, cause.toString());
        }
        JournalUnavailableException refusal = new JournalUnavailableException(failure, cause);
        writes.forEach(write -> write.fail(refusal));
    }

    private void failRemaining() {
        JournalUnavailableException shuttingDown = new JournalUnavailableException("wal-service is shutting down");
        if (carried != null) {
            carried.fail(shuttingDown);
            carried = null;
        }
        PendingWrite left;
        while ((left = pending.poll()) != null) {
            left.fail(shuttingDown);
        }
    }

    /** Stops taking appends, commits what is queued, and waits for the writer to finish. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        writer.join(TimeUnit.SECONDS.toMillis(30));
        if (writer.isAlive()) {
            log.warn("wal-group-commit did not stop within 30 s; interrupting it");
            writer.interrupt();
            writer.join(TimeUnit.SECONDS.toMillis(5));
        }
        // An append that raced with shutdown may have been queued after the writer's last look.
        failRemaining();
    }
}
