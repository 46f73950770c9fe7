package io.stemedb.api.watch;

import java.util.function.BooleanSupplier;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.http.RecordView;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Serves change feeds: each watcher gets a thread (virtual on JDK 21+) that walks the index's
 * records in log order from where the watcher wants to start, sends those about its concept
 * subtree (assertions, their retractions and votes) and every epoch, then waits for new ones.
 * Each event's SSE id is its log index, so a client that reconnects with {@code Last-Event-ID}
 * resumes exactly after the last event it saw. A comment every {@code heartbeat} keeps proxies
 * from closing an idle stream and finds clients that have gone.
 */
public class WatchService implements SmartLifecycle {

    private final AssertionIndex index;
    private final Semaphore slots;
    private final int maxWatchers;
    private final Duration heartbeat;
    private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("watch-");
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    public WatchService(AssertionIndex index, int maxWatchers, Duration heartbeat) {
        this.index = index;
        this.maxWatchers = maxWatchers;
        this.slots = new Semaphore(maxWatchers);
        this.heartbeat = heartbeat;
        if (Runtime.version().feature() >= 21) {
            executor.setVirtualThreads(true);
        }
    }

    /**
     * @param root       the concept, or the root of the subtree
     * @param subtree    include every concept below {@code root}
     * @param fromIndex  first log index to deliver; null for "from now on"
     * @param authorized checked before each batch of events and at each heartbeat: false ends the
     *                   feed (its key was revoked)
     */
    public SseEmitter watch(String root, boolean subtree, Long fromIndex, BooleanSupplier authorized) {
        if (!running || !slots.tryAcquire()) {
            throw new UnavailableException(UnavailableReason.OVERLOADED,
                    "this node serves at most " + maxWatchers + " watchers (stemedb.api.watch.max-watchers)", 5);
        }
        SseEmitter emitter = new SseEmitter(0L);
        long start = fromIndex == null ? index.appliedIndex() + 1 : fromIndex;
        executor.execute(() -> {
            threads.add(Thread.currentThread());
            try {
                stream(emitter, root, subtree, start, authorized);
            } finally {
                threads.remove(Thread.currentThread());
                slots.release();
            }
        });
        return emitter;
    }

    private void stream(SseEmitter emitter, String root, boolean subtree, long start, BooleanSupplier authorized) {
        long next = start;
        try {
            // Sent at once so the response (and its headers) reach the client before any change does.
            emitter.send(SseEmitter.event().comment("watching " + root + (subtree ? "/**" : "") + " from index " + start));
            while (running) {
                if (!authorized.getAsBoolean()) {
                    // The key was revoked (or its roles changed) since the feed opened.
                    emitter.send(SseEmitter.event().comment("credential revoked"));
                    break;
                }
                // Every record up to the applied index read first is in the list read second.
                long applied = index.appliedIndex();
                List<LogRecord> records = index.records();
                for (int at = AssertionIndex.firstAtOrAfter(records, next); at < records.size(); at++) {
                    LogRecord record = records.get(at);
                    if (concerns(record, root, subtree)) {
                        emitter.send(SseEmitter.event()
                                .id(Long.toString(record.index()))
                                .name(record.type())
                                .data(RecordView.of(record, null, null, index.subjectOf(record))));
                    }
                    next = record.index() + 1;
                }
                // Entries that add no record (duplicates) still move the position on.
                next = Math.max(next, applied + 1);
                if (!index.awaitApplied(next, heartbeat)) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException gone) {
            // The client went away (or the response was already closed): nothing to tell anyone.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        }
    }

    private boolean concerns(LogRecord record, String root, boolean subtree) {
        if (record instanceof Epoch) {
            return true;
        }
        AssertionState subject = index.subjectOf(record);
        if (subject == null) {
            return false;
        }
        String path = subject.assertion().conceptPath();
        return path.equals(root) || (subtree && path.startsWith(root + "/"));
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every feed at once, so a graceful shutdown does not wait for their heartbeats. */
    @Override
    public void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
