package io.stemedb.api.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.api.ratelimit.WriteRateLimits;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Many writers against one {@link AssertionWriter}, with the index applying their writes on its
 * own thread (as the WAL tailer does) and every call pruning the writer's memory of what it wrote.
 * An index lookup that misses is made slow on purpose, which opens wide the window in which the
 * index applies a write and another writer prunes it: every write must still be answered, as
 * created, with its own id. (With the writer's lookups in the other order, index first, this
 * fails within the first few writes: a durable write answered with an IllegalStateException.)
 */
class AssertionWriterRaceTest {

    private static final int WRITERS = 8;
    private static final int WRITES_EACH = 1_500;

    @Test
    void aWriteIsAnsweredWhileTheIndexAppliesItAndAnotherWriterPrunes() throws Exception {
        SlowMissIndex index = new SlowMissIndex();
        AsyncJournal journal = new AsyncJournal(index);
        AssertionWriter writer = new AssertionWriter(index, HybridLogicalClock.systemClock(), journal,
                new WriteRateLimits(0, 0, new SimpleMeterRegistry()));
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            journal.start();
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writerNumber = w;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < WRITES_EACH && failures.isEmpty(); i++) {
                        AssertionContent content = new AssertionContent("race/w" + writerNumber, "p" + i,
                                Integer.toString(i), "writer-" + writerNumber, "1");
                        try {
                            Written<Assertion> written = writer.write(content);
                            if (!written.created() || !written.record().id().equals(ContentHash.of(content))) {
                                failures.add("writer " + writerNumber + " write " + i + " answered " + written);
                            }
                        } catch (RuntimeException e) {
                            failures.add("writer " + writerNumber + " write " + i + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : writers) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            journal.stop();
        }
        assertThat(failures).as("writes answered wrongly or not at all").isEmpty();
        assertThat(index.awaitApplied(WRITERS * WRITES_EACH, java.time.Duration.ofSeconds(30))).isTrue();
        assertThat(index.assertionCount()).isEqualTo(WRITERS * WRITES_EACH);
        assertThat(index.slowMisses()).as("lookups that took the slow path (the race was exercised)")
                .isGreaterThanOrEqualTo(WRITERS * WRITES_EACH);
    }

    /** An index whose misses take a while: the gap between "not in the index" and the next step. */
    private static final class SlowMissIndex extends AssertionIndex {

        private final java.util.concurrent.atomic.AtomicLong slowMisses = new java.util.concurrent.atomic.AtomicLong();

        SlowMissIndex() {
            super(new SimpleMeterRegistry());
        }

        @Override
        public AssertionState assertion(String id) {
            AssertionState state = super.assertion(id);
            if (state == null) {
                slowMisses.incrementAndGet();
                LockSupport.parkNanos(200_000);
            }
            return state;
        }

        long slowMisses() {
            return slowMisses.get();
        }
    }

    /**
     * Appends in memory at the next index and answers at once; one thread applies what was
     * appended to the index, in log order, a little later (as the WAL tailer does after the fsync).
     */
    private static final class AsyncJournal implements RecordJournal {

        private final AssertionIndex index;
        private final LinkedBlockingQueue<LogRecord> toApply = new LinkedBlockingQueue<>();
        private final Thread applier;
        private long lastIndex;
        private volatile boolean running = true;

        AsyncJournal(AssertionIndex index) {
            this.index = index;
            this.applier = new Thread(this::applyInOrder, "test-index-applier");
        }

        void start() {
            applier.start();
        }

        void stop() throws InterruptedException {
            running = false;
            applier.interrupt();
            applier.join(10_000);
        }

        private void applyInOrder() {
            while (running) {
                try {
                    index.apply(toApply.take());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public long term() {
            return 1;
        }

        @Override
        public void requireCaughtUp() {}

        @Override
        public synchronized List<Long> append(List<? extends LogRecord> records, boolean awaitIndex) {
            List<Long> indexes = new ArrayList<>();
            for (LogRecord record : records) {
                Assertion assertion = (Assertion) record;
                long at = ++lastIndex;
                toApply.add(new Assertion(assertion.id(), assertion.content(), assertion.hlc(), assertion.term(), at));
                indexes.add(at);
            }
            return indexes;
        }

        @Override
        public synchronized long highestAcknowledgedIndex() {
            return lastIndex;
        }
    }
}
