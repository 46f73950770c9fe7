package io.stemedb.wal.groupcommit;

import io.stemedb.wal.fencing.StaleTermException;
import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes appends durable in batches: one thread takes every append waiting, writes them all, calls
 * one fsync, and only then completes their futures. Callers that arrive while an fsync runs form
 * the next batch, so under load many appends share each fsync and throughput follows the disk's
 * bandwidth instead of its fsync latency.
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
 * <h2>Fencing</h2>
 * Every append's term is checked against the {@link TermFence} under the same lock that
 * {@link #fence} takes to raise it, so once {@code fence(t)} returns no append of a term below
 * {@code t} is acknowledged any more, even one that was queued earlier.
 */
public final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    private static final long IDLE_POLL_MILLIS = 100;

    private final ChronicleJournal journal;
    private final TermFence fence;
    private final ReentrantLock fenceLock = new ReentrantLock();
    private final GroupCommitSettings settings;
    private final CommitObserver observer;
    private final BlockingQueue<PendingAppend> pending;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile String failure;
    private long nextRecoveryAttemptNanos;

    public GroupCommitter(ChronicleJournal journal, TermFence fence, GroupCommitSettings settings,
            CommitObserver observer) {
        this.journal = journal;
        this.fence = fence;
        this.settings = settings;
        this.observer = observer;
        this.pending = new ArrayBlockingQueue<>(settings.maxPendingAppends());
        this.writer = new Thread(this::run, "wal-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Queues entries to be written as one contiguous run. The future completes once they are
     * durable, or fails with {@link JournalUnavailableException} (nothing acknowledged) or
     * {@link OverloadedException} (not queued).
     */
    public CompletableFuture<AppendResult> append(List<EntryToWrite> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        CompletableFuture<AppendResult> result = new CompletableFuture<>();
        String failed = failure;
        if (failed != null) {
            result.completeExceptionally(new JournalUnavailableException(failed));
        } else if (!running) {
            result.completeExceptionally(new JournalUnavailableException("wal-service is shutting down"));
        } else if (!pending.offer(new PendingAppend(entries, result))) {
            result.completeExceptionally(new OverloadedException(
                    settings.maxPendingAppends() + " appends are already waiting for the journal"));
        }
        return result;
    }

    /** Why the journal stopped taking appends, or null while it takes them. */
    public String failure() {
        return failure;
    }

    /**
     * Raises the fenced term to {@code term} (no change when it is not higher) and returns it once
     * it is on disk; from then on appends of a lower term fail with {@link StaleTermException}.
     */
    public long fence(long term) throws IOException {
        fenceLock.lock();
        try {
            return fence.raiseTo(term);
        } finally {
            fenceLock.unlock();
        }
    }

    public long fencedTerm() {
        return fence.current();
    }

    private void run() {
        List<PendingAppend> batch = new ArrayList<>();
        while (running || !pending.isEmpty()) {
            try {
                if (failure != null) {
                    tryToRecover();
                }
                PendingAppend first = pending.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                fillBatch(batch, first.entries().size());
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
            PendingAppend next = pending.poll();
            if (next == null && waitNanos > 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    next = pending.poll(remaining, TimeUnit.NANOSECONDS);
                }
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            entries += next.entries().size();
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
        fenceLock.lock();
        try {
            commitFenced(batch);
        } finally {
            fenceLock.unlock();
        }
    }

    private void commitFenced(List<PendingAppend> batch) {
        String failed = failure;
        if (failed != null) {
            batch.forEach(append -> append.result().completeExceptionally(new JournalUnavailableException(failed)));
            return;
        }
        batch.removeIf(this::refusedByFence);
        if (batch.isEmpty()) {
            return;
        }
        long[] firstIndexes = new long[batch.size()];
        int entries = 0;
        long bytes = 0;
        try {
            for (int i = 0; i < batch.size(); i++) {
                List<EntryToWrite> toWrite = batch.get(i).entries();
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
            fail(batch, e);
            return;
        }
        journal.publishDurable(journal.lastWrittenIndex());
        for (int i = 0; i < batch.size(); i++) {
            PendingAppend append = batch.get(i);
            append.result().complete(new AppendResult(firstIndexes[i], firstIndexes[i] + append.entries().size() - 1));
        }
    }

    private boolean refusedByFence(PendingAppend append) {
        for (EntryToWrite entry : append.entries()) {
            if (!fence.admits(entry.term())) {
                append.result().completeExceptionally(new StaleTermException(entry.term(), fence.current()));
                return true;
            }
        }
        return false;
    }

    private void fail(List<PendingAppend> batch, Throwable cause) {
        String segment = journal.currentSegmentName();
        failure = "journal write or fsync failed on segment " + segment + ": " + cause
                + (settings.recoveryInterval().isZero() ? "; the journal accepts no appends until wal-service restarts"
                        : "; appends are refused until the journal can be rebuilt from its durable entries");
        nextRecoveryAttemptNanos = System.nanoTime() + settings.recoveryInterval().toNanos();
        observer.failed(segment, cause);
        if (settings.logFsyncErrors()) {
            log.error("WAL fsync failed on segment {}; {} appends not acknowledged", segment, batch.size(), cause);
        } else {
            log.error("WAL fsync failed on segment {}: {}", segment, cause.toString());
        }
        JournalUnavailableException refusal = new JournalUnavailableException(failure, cause);
        batch.forEach(append -> append.result().completeExceptionally(refusal));
    }

    private void failRemaining() {
        PendingAppend left;
        while ((left = pending.poll()) != null) {
            left.result().completeExceptionally(new JournalUnavailableException("wal-service is shutting down"));
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

    private record PendingAppend(List<EntryToWrite> entries, CompletableFuture<AppendResult> result) {}
}
