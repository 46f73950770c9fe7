package io.stemedb.api.write;

import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.api.ratelimit.WriteRateLimits;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.clock.HybridLogicalClock;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes what is said about assertions and about the log: retractions, votes and epochs. Each is
 * idempotent: retracting a retracted assertion, repeating one's current vote, answer with what is
 * already stored and write nothing.
 */
public class FeedbackWriter {

    private final AssertionIndex index;
    private final HybridLogicalClock clock;
    private final JournalAppender journal;
    private final KeyedSerializer serializer = new KeyedSerializer();
    private final ReentrantLock epochs = new ReentrantLock();

    private final WriteRateLimits limits;

    public FeedbackWriter(AssertionIndex index, HybridLogicalClock clock, JournalAppender journal, WriteRateLimits limits) {
        this.limits = limits;
        this.index = index;
        this.clock = clock;
        this.journal = journal;
    }

    public Written<Retraction> retract(WriteRequests.RetractionRequest request) {
        journal.requireCaughtUp();
        return serializer.serialized(new TreeSet<>(List.of("retract\u0000" + request.assertionId())), () -> {
            AssertionState state = existing(request.assertionId());
            Retraction earlier = state.retractionAt(index.currentCut());
            if (earlier != null) {
                return new Written<>(earlier, false);
            }
            limits.acquire(request.agentId(), 1);
            Retraction retraction = new Retraction(
                    ContentHash.ofRetraction(request.assertionId(), request.agentId(), request.reason()),
                    request.assertionId(), request.agentId(), request.reason(), clock.now(), journal.term(), 0);
            long at = journal.append(List.of(retraction)).get(0);
            return new Written<>(new Retraction(retraction.id(), retraction.assertionId(), retraction.agentId(),
                    retraction.reason(), retraction.hlc(), retraction.term(), at), true);
        });
    }

    /** A vote; an agent's vote equal to its current one is not written again ({@code created} false). */
    public Written<Vote> vote(WriteRequests.VoteRequest request) {
        journal.requireCaughtUp();
        String key = "vote\u0000" + request.assertionId() + "\u0000" + request.agentId();
        return serializer.serialized(new TreeSet<>(List.of(key)), () -> {
            AssertionState state = existing(request.assertionId());
            Vote current = state.latestVoteOf(request.agentId());
            if (current != null && current.weight() == request.weight()) {
                return new Written<>(current, false);
            }
            limits.acquire(request.agentId(), 1);
            long hlc = clock.now();
            Vote vote = new Vote(ContentHash.ofVote(request.assertionId(), request.agentId(), request.weight(), hlc),
                    request.assertionId(), request.agentId(), request.weight(), hlc, journal.term(), 0);
            long at = journal.append(List.of(vote)).get(0);
            return new Written<>(new Vote(vote.id(), vote.assertionId(), vote.agentId(), vote.weight(), vote.hlc(),
                    vote.term(), at), true);
        });
    }

    /** Creates the next epoch. Numbers are assigned here, one creation at a time. */
    public Epoch createEpoch(String label) {
        journal.requireCaughtUp();
        epochs.lock();
        try {
            long number = index.epochs().size() + 1;
            Epoch epoch = new Epoch(number, label, clock.now(), journal.term(), 0);
            long at = journal.append(List.of(epoch)).get(0);
            Epoch stored = index.epoch(number);
            if (stored == null || stored.index() != at) {
                // Another writer on the same journal (a second api-service) took this number first;
                // the index ignored ours as a duplicate.
                throw new ConflictException("epoch " + number + " was created concurrently by another writer; retry");
            }
            return stored;
        } finally {
            epochs.unlock();
        }
    }

    private AssertionState existing(String assertionId) {
        AssertionState state = index.assertion(assertionId);
        if (state == null) {
            // Perhaps written a moment ago and not yet applied: assertion writes do not wait for the index.
            journal.awaitAcknowledged();
            state = index.assertion(assertionId);
        }
        if (state == null) {
            throw new NotFoundException(WriteRequests.ASSERTION_ID, "no assertion " + assertionId + " on this node");
        }
        return state;
    }
}
