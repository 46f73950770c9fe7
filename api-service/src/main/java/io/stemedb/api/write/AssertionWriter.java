package io.stemedb.api.write;

import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.api.ratelimit.WriteRateLimits;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes assertions, alone or in batches: names each by its content hash, stores each content
 * once (a second write of the same content answers with the first one's place in the log), stamps
 * new ones with the hybrid logical clock and appends them in one group commit.
 *
 * <p>A write is answered as soon as it is durable, without waiting for the local index (queries
 * wait for it instead, so reads still see their writes). Until the index has applied a write, the
 * writer remembers it itself, so that a repeat of the same content in that window is still
 * answered as a duplicate.
 */
public class AssertionWriter {

    private final AssertionIndex index;
    private final HybridLogicalClock clock;
    private final RecordJournal journal;
    private final KeyedSerializer serializer = new KeyedSerializer();
    /** Written but perhaps not yet in the index, by id; pruned once the index has passed them. */
    private final java.util.concurrent.ConcurrentHashMap<String, Assertion> recent = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Assertion> recentInOrder = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private final WriteRateLimits limits;

    public AssertionWriter(AssertionIndex index, HybridLogicalClock clock, RecordJournal journal, WriteRateLimits limits) {
        this.limits = limits;
        this.index = index;
        this.clock = clock;
        this.journal = journal;
    }

    public Written<Assertion> write(AssertionContent content) {
        return writeAll(List.of(content)).get(0);
    }

    /**
     * Writes every content that is new, in one append, and answers for each in order. Contents
     * already stored, or repeated within the call, are answered with the stored assertion.
     */
    public List<Written<Assertion>> writeAll(List<AssertionContent> contents) {
        journal.requireCaughtUp();
        List<String> ids = contents.stream().map(ContentHash::of).toList();
        return serializer.serialized(new TreeSet<>(ids), () -> {
            Set<String> fresh = new HashSet<>();
            List<Assertion> toAppend = new ArrayList<>();
            for (int i = 0; i < contents.size(); i++) {
                String id = ids.get(i);
                if (stored(id) == null && fresh.add(id)) {
                    toAppend.add(new Assertion(id, contents.get(i), clock.now(), journal.term(), 0));
                }
            }
            if (!toAppend.isEmpty()) {
                acquire(toAppend);
                List<Long> indexes = journal.append(toAppend, false);
                for (int i = 0; i < toAppend.size(); i++) {
                    Assertion appended = toAppend.get(i);
                    Assertion placed = new Assertion(appended.id(), appended.content(), appended.hlc(), appended.term(),
                            indexes.get(i));
                    recent.put(placed.id(), placed);
                    recentInOrder.add(placed);
                }
            }
            // The first occurrence of a new id is the one this call created; repeats are duplicates.
            Set<String> answeredAsCreated = new HashSet<>();
            List<Written<Assertion>> answers = new ArrayList<>(contents.size());
            for (String id : ids) {
                Assertion assertion = stored(id);
                if (assertion == null) {
                    throw new IllegalStateException("assertion " + id + " was neither stored nor written");
                }
                answers.add(new Written<>(assertion, fresh.contains(id) && answeredAsCreated.add(id)));
            }
            pruneRecent();
            return answers;
        });
    }

    /**
     * The stored assertion with this id: written and on its way to the index, or in the index;
     * else null.
     *
     * <p>{@code recent} first, then the index: an entry leaves {@code recent} only once the index
     * has applied it ({@link #pruneRecent}), so whichever moment a concurrent prune removes it,
     * the index lookup that follows finds it. The other order has a gap: the index misses it, a
     * prune removes it, {@code recent} misses it too, and a durable write is answered 500.
     */
    private Assertion stored(String id) {
        Assertion written = recent.get(id);
        if (written != null) {
            return written;
        }
        AssertionState state = index.assertion(id);
        return state == null ? null : state.assertion();
    }

    /** The rate limits, per agent and for the node, for what this call really writes. */
    private void acquire(List<Assertion> toAppend) {
        Map<String, Integer> perAgent = new java.util.TreeMap<>();
        for (Assertion assertion : toAppend) {
            perAgent.merge(assertion.content().agentId(), 1, Integer::sum);
        }
        limits.acquire(perAgent, toAppend.size());
    }

    private void pruneRecent() {
        long applied = index.appliedIndex();
        for (Assertion oldest = recentInOrder.peek(); oldest != null && oldest.index() <= applied;
                oldest = recentInOrder.peek()) {
            if (recentInOrder.remove(oldest)) {
                recent.remove(oldest.id(), oldest);
            }
        }
    }

    public long highestAcknowledgedIndex() {
        return journal.highestAcknowledgedIndex();
    }
}
