package io.stemedb.api.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The query side of the node: every record of the local log, arranged for the lenses. Assertions
 * by concept path (sorted, so a subtree is a key range) and predicate, with their retractions and
 * votes; epochs by number; everything also in log order (for snapshots, export and watch).
 *
 * <p>One writer, the {@link WalTailer} (or a snapshot load before it), applies records in log
 * order; queries read without locks and never block it. Readers evaluate against a {@link Cut},
 * so what they see is exactly the state at one point of the log, even while the writer goes on.
 *
 * <p>Applying is idempotent: a record whose id (or epoch number) is already known is a duplicate
 * and changes nothing, so replays, imports and two racing writes of the same content converge on
 * one state.
 */
public class AssertionIndex {

    private final NavigableMap<String, ConceptAssertions> concepts = new ConcurrentSkipListMap<>();
    /** Replaced only while empty ({@link #expect}). */
    private volatile Map<String, AssertionState> assertionsById = new ConcurrentHashMap<>();
    /** Retractions and votes by id (a set would cost the same: a key set is a map to TRUE). */
    private final Map<String, LogRecord> otherRecords = new ConcurrentHashMap<>();
    private final AppendOnlyList<LogRecord> records = new AppendOnlyList<>();
    private final AppendOnlyList<Epoch> epochs = new AppendOnlyList<>();
    /** Writer only: votes and retractions that arrived before their assertion. */
    private final Map<String, List<LogRecord>> waiting = new HashMap<>();
    /** Writer only. */
    private final SharedValues shared = new SharedValues();
    private final RecordTree tree = new RecordTree();
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progressed = progressLock.newCondition();
    private final Counter indexed;
    private final Counter duplicates;
    private volatile long appliedIndex;
    private volatile long assertionCount;
    private volatile long maxHlc;

    public AssertionIndex(MeterRegistry registry) {
        this.indexed = Counter.builder("stemedb.assertions.indexed")
                .description("Assertions applied to this node's query index (since start, including the snapshot and journal replay)")
                .register(registry);
        this.duplicates = Counter.builder("stemedb.index.duplicates")
                .description("Log records the index already had (same id or epoch number), applied as no-ops")
                .register(registry);
        Gauge.builder("stemedb.index.applied.index", this, AssertionIndex::appliedIndex)
                .description("Highest log index applied to the query index")
                .register(registry);
        Gauge.builder("stemedb.index.assertions", this, AssertionIndex::assertionCount)
                .description("Assertions held by the query index")
                .register(registry);
    }

    /** Applies one record at its log index. Writer thread only; indexes must ascend. */
    public ApplyOutcome apply(LogRecord arrived) {
        LogRecord record = arrived;
        ApplyOutcome outcome;
        if (arrived instanceof Assertion assertion) {
            AssertionState placed = placeAssertion(assertion);
            outcome = placed == null ? ApplyOutcome.DUPLICATE : ApplyOutcome.APPLIED;
            record = placed == null ? arrived : placed.assertion();
        } else {
            outcome = place(arrived);
        }
        if (outcome == ApplyOutcome.DUPLICATE) {
            duplicates.increment();
        } else {
            if (!(record instanceof Epoch)) {
                tree.add(idOf(record));
            }
            records.add(record);
            if (Long.compareUnsigned(record.hlc(), maxHlc) > 0) {
                maxHlc = record.hlc();
            }
        }
        advanceTo(record.index());
        return outcome;
    }

    private static String idOf(LogRecord record) {
        if (record instanceof Assertion assertion) {
            return assertion.id();
        }
        return record instanceof Retraction retraction ? retraction.id() : ((Vote) record).id();
    }

    /** The Merkle tree over the ids of the records held, for anti-entropy. */
    public RecordTree tree() {
        return tree;
    }

    private ApplyOutcome place(LogRecord record) {
        if (record instanceof Retraction retraction) {
            if (otherRecords.putIfAbsent(retraction.id(), retraction) != null) {
                return ApplyOutcome.DUPLICATE;
            }
            return attach(retraction, retraction.assertionId());
        } else if (record instanceof Vote vote) {
            if (otherRecords.putIfAbsent(vote.id(), vote) != null) {
                return ApplyOutcome.DUPLICATE;
            }
            return attach(vote, vote.assertionId());
        }
        Epoch epoch = (Epoch) record;
        if (epoch.number() != epochs.size() + 1) {
            return ApplyOutcome.DUPLICATE;
        }
        epochs.add(epoch);
        return ApplyOutcome.APPLIED;
    }

    /**
     * Places a new assertion as the index keeps it — its concept path and predicate the instances
     * the index holds as keys, its agent and confidence shared ones (each record arrives with
     * strings of its own, decoded from the journal, and they are most of an assertion's heap) —
     * and returns its state; null if the index already has it. One lookup per map: this is most of
     * a snapshot load's time.
     */
    private AssertionState placeAssertion(Assertion arrived) {
        AssertionContent content = arrived.content();
        // A duplicate has the same content, so its concept and predicate exist: nothing new is
        // made for one.
        ConceptAssertions concept = concepts.computeIfAbsent(content.conceptPath(), ConceptAssertions::new);
        PredicateAssertions predicate = concept.predicateFor(content.predicate());
        Assertion assertion = new Assertion(arrived.id(), new AssertionContent(concept.path(), predicate.predicate(),
                content.valueJson(), shared.share(content.agentId()), shared.share(content.confidence())),
                arrived.hlc(), arrived.term(), arrived.index());
        AssertionState state = new AssertionState(assertion, shared.confidence(content.confidence()));
        if (assertionsById.putIfAbsent(assertion.id(), state) != null) {
            return null;
        }
        predicate.add(state);
        concept.addToHistory(assertion);
        assertionCount++;
        indexed.increment();
        List<LogRecord> early = waiting.remove(assertion.id());
        if (early != null) {
            early.forEach(record -> attachTo(state, record));
        }
        return state;
    }

    /**
     * Sizes the index for about {@code records} records before a load into the empty index (a
     * snapshot's count), so that its map by id is not rehashed a dozen times on the way to a
     * million. Writer thread only; does nothing once the index holds an assertion.
     */
    public void expect(long records) {
        if (assertionCount == 0 && records > 0) {
            assertionsById = new ConcurrentHashMap<>((int) Math.min(records, 1 << 28), 0.75f, 1);
        }
    }

    private ApplyOutcome attach(LogRecord record, String assertionId) {
        AssertionState state = assertionsById.get(assertionId);
        if (state == null) {
            waiting.computeIfAbsent(assertionId, id -> new ArrayList<>()).add(record);
            return ApplyOutcome.WAITING_FOR_ASSERTION;
        }
        attachTo(state, record);
        return ApplyOutcome.APPLIED;
    }

    private void attachTo(AssertionState state, LogRecord record) {
        if (record instanceof Vote vote) {
            state.vote(vote);
        } else if (record instanceof Retraction retraction) {
            state.retract(retraction);
            concepts.get(state.assertion().conceptPath()).addToHistory(retraction);
        }
    }

    /** Records that entries up to {@code index} are applied (also for entries that add nothing). */
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

    /** The highest timestamp of any record applied (the clock must not fall behind it). */
    public long maxHlc() {
        return maxHlc;
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

    /** A cut at everything applied now. */
    public Cut currentCut() {
        return Cut.atIndex(appliedIndex);
    }

    /** The assertions about exactly this concept path, or null if there are none. */
    public ConceptAssertions concept(String conceptPath) {
        return concepts.get(conceptPath);
    }

    /**
     * The concept at {@code root} and every concept below it, in path order, read lazily, starting
     * at {@code fromPath} (inclusive) when it is not null. Paths below {@code a/b} start with
     * {@code a/b/}, and {@code '0'} is the character after {@code '/'}, so the key range
     * [{@code a/b/}, {@code a/b0}) holds exactly them. (The range from {@code a/b} itself would also
     * catch siblings such as {@code a/b-x}, since {@code -} sorts before {@code /}.)
     */
    public Stream<ConceptAssertions> subtree(String root, String fromPath) {
        Stream<ConceptAssertions> self = fromPath == null || fromPath.equals(root)
                ? Stream.ofNullable(concepts.get(root)) : Stream.empty();
        String low = fromPath == null || fromPath.equals(root) ? root + "/" : fromPath;
        return Stream.concat(self, concepts.subMap(low, true, root + "0", false).values().stream());
    }

    public AssertionState assertion(String id) {
        return assertionsById.get(id);
    }

    /**
     * The assertion a record is about: the assertion itself, or the one a retraction or vote
     * targets; null for an epoch, or a target not applied yet.
     */
    public AssertionState subjectOf(LogRecord record) {
        if (record instanceof Assertion assertion) {
            return assertionsById.get(assertion.id());
        } else if (record instanceof Retraction retraction) {
            return assertionsById.get(retraction.assertionId());
        } else if (record instanceof Vote vote) {
            return assertionsById.get(vote.assertionId());
        }
        return null;
    }

    /** Whether a retraction or vote with this id has been applied. */
    public boolean hasRecord(String id) {
        return otherRecords.containsKey(id) || assertionsById.containsKey(id);
    }

    /** The assertion, retraction or vote with this id, as applied; null if the index has none. */
    public LogRecord record(String id) {
        AssertionState assertion = assertionsById.get(id);
        return assertion != null ? assertion.assertion() : otherRecords.get(id);
    }

    public List<Epoch> epochs() {
        return epochs.snapshot();
    }

    /** Epoch {@code number}, or null if there is none yet. */
    public Epoch epoch(long number) {
        List<Epoch> all = epochs.snapshot();
        return number >= 1 && number <= all.size() ? all.get((int) number - 1) : null;
    }

    /** Every record applied, duplicates excepted, in log order. */
    public List<LogRecord> records() {
        return records.snapshot();
    }

    /** Position in {@link #records()} of the first record with index at least {@code index}. */
    public static int firstAtOrAfter(List<LogRecord> records, long index) {
        int low = 0;
        int high = records.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (records.get(middle).index() < index) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
