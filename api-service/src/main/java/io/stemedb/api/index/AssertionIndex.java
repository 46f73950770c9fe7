package io.stemedb.api.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.common.model.Assertion;
import java.time.Duration;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The query side of the node: every assertion in the local log, by concept path (sorted, so a
 * subtree is a key range) and predicate.
 *
 * <p>One writer, the {@link WalTailer}, applies log entries in index order; queries read without
 * locks. The writer never blocks on readers, so a burst of queries cannot slow ingestion, and a
 * query sees each predicate's state as of some applied index.
 */
public class AssertionIndex {

    private final NavigableMap<String, ConceptAssertions> concepts = new ConcurrentSkipListMap<>();
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progressed = progressLock.newCondition();
    private final Counter indexed;
    private volatile long appliedIndex;
    private volatile long assertionCount;

    public AssertionIndex(MeterRegistry registry) {
        this.indexed = Counter.builder("stemedb.assertions.indexed")
                .description("Assertions applied to this node's query index (since start, including the replay of the journal)")
                .register(registry);
        Gauge.builder("stemedb.index.applied.index", this, AssertionIndex::appliedIndex)
                .description("Highest log index applied to the query index")
                .register(registry);
        Gauge.builder("stemedb.index.assertions", this, AssertionIndex::assertionCount)
                .description("Assertions held by the query index")
                .register(registry);
    }

    /** Applies an assertion at its log index. Writer thread only; indexes must ascend. */
    public void apply(Assertion assertion) {
        concepts.computeIfAbsent(assertion.conceptPath(), path -> new ConceptAssertions()).add(assertion);
        assertionCount++;
        indexed.increment();
        advanceTo(assertion.index());
    }

    /** Records that entries up to {@code index} are applied (for entries that add no assertion). */
    public void advanceTo(long index) {
        progressLock.lock();
        try {
            if (index > appliedIndex) {
                appliedIndex = index;
                progressed.signalAll();
            }
        } finally {
            progressLock.unlock();
        }
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long assertionCount() {
        return assertionCount;
    }

    /** Waits until entries up to {@code index} are applied; false if the time runs out first. */
    public boolean awaitApplied(long index, Duration timeout) throws InterruptedException {
        if (appliedIndex >= index) {
            return true;
        }
        long remaining = timeout.toNanos();
        progressLock.lock();
        try {
            while (appliedIndex < index) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = progressed.awaitNanos(remaining);
            }
            return true;
        } finally {
            progressLock.unlock();
        }
    }

    /** The assertions about exactly this concept path, or null if there are none. */
    public ConceptAssertions concept(String conceptPath) {
        return concepts.get(conceptPath);
    }

    /**
     * The concept at {@code root} and every concept below it, in path order, read lazily. Paths below
     * {@code a/b} start with {@code a/b/}, and {@code '0'} is the character after {@code '/'}, so the
     * key range [{@code a/b/}, {@code a/b0}) holds exactly them. (The range from {@code a/b} itself
     * would also catch siblings such as {@code a/b-x}, since {@code -} sorts before {@code /}.)
     */
    public Stream<ConceptAssertions> subtree(String root) {
        return Stream.concat(
                Stream.ofNullable(concepts.get(root)),
                concepts.subMap(root + "/", true, root + "0", false).values().stream());
    }

    /** Every concept path present, in order (tests and diagnostics). */
    public Iterable<String> conceptPaths() {
        return concepts.keySet();
    }
}
