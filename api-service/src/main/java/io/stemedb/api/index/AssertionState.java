package io.stemedb.api.index;

import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One assertion and what happened to it since: its retraction, if any, and every vote on it.
 * The writer (the tailer) adds to it; readers evaluate it against a {@link Cut}.
 */
public final class AssertionState {

    /** Newer first: higher timestamp, then higher id (a deterministic tie-break). */
    public static final Comparator<AssertionState> RECENCY_ORDER = Comparator
            .comparingLong((AssertionState state) -> state.assertion.hlc())
            .thenComparing(state -> state.assertion.id());

    private final Assertion assertion;
    private final BigDecimal confidence;
    // Most assertions are never retracted or voted on; these stay null until one is (a million
    // assertions would otherwise carry a million empty lists and maps).
    private volatile Retraction retraction;
    private volatile AppendOnlyList<Retraction> retractions;
    private volatile AppendOnlyList<Vote> votes;
    /** Each agent's latest vote (as applied so far), to tell an unchanged vote from a new one. */
    private volatile Map<String, Vote> latestVoteByAgent;

    AssertionState(Assertion assertion, BigDecimal confidence) {
        this.assertion = assertion;
        this.confidence = confidence;
    }

    public Assertion assertion() {
        return assertion;
    }

    public BigDecimal confidence() {
        return confidence;
    }

    /** The first retraction applied, whatever the cut, or null. */
    public Retraction retraction() {
        return retraction;
    }

    /** Writer only. Several agents may retract one assertion; any of them in a cut hides it there. */
    void retract(Retraction applied) {
        if (retractions == null) {
            retractions = new AppendOnlyList<>();
        }
        retractions.add(applied);
        if (retraction == null) {
            retraction = applied;
        }
    }

    /** Writer only. */
    void vote(Vote vote) {
        if (votes == null) {
            latestVoteByAgent = new ConcurrentHashMap<>();
            votes = new AppendOnlyList<>();
        }
        votes.add(vote);
        latestVoteByAgent.merge(vote.agentId(), vote, AssertionState::later);
    }

    /** The agent's latest vote applied so far, or null. */
    public Vote latestVoteOf(String agentId) {
        Map<String, Vote> latest = latestVoteByAgent;
        return latest == null ? null : latest.get(agentId);
    }

    public boolean visibleAt(Cut cut) {
        return cut.includes(assertion) && !retractedAt(cut);
    }

    public boolean retractedAt(Cut cut) {
        AppendOnlyList<Retraction> all = retractions;
        if (all == null) {
            return false;
        }
        for (Retraction each : all.snapshot()) {
            if (cut.includes(each)) {
                return true;
            }
        }
        return false;
    }

    /** The first retraction within the cut, or null. */
    public Retraction retractionAt(Cut cut) {
        AppendOnlyList<Retraction> all = retractions;
        if (all == null) {
            return null;
        }
        for (Retraction each : all.snapshot()) {
            if (cut.includes(each)) {
                return each;
            }
        }
        return null;
    }

    /** Sum of every agent's latest vote within the cut (latest by timestamp, then log index). */
    public int netVotesAt(Cut cut) {
        AppendOnlyList<Vote> all = votes;
        if (all == null) {
            return 0;
        }
        Map<String, Vote> latest = new HashMap<>();
        for (Vote vote : all.snapshot()) {
            if (cut.includes(vote)) {
                latest.merge(vote.agentId(), vote, AssertionState::later);
            }
        }
        int net = 0;
        for (Vote vote : latest.values()) {
            net += vote.weight();
        }
        return net;
    }

    /** Each agent's latest vote within the cut, by agent id. */
    public Map<String, Vote> votesAt(Cut cut) {
        Map<String, Vote> latest = new java.util.TreeMap<>();
        AppendOnlyList<Vote> all = votes;
        if (all == null) {
            return latest;
        }
        for (Vote vote : all.snapshot()) {
            if (cut.includes(vote)) {
                latest.merge(vote.agentId(), vote, AssertionState::later);
            }
        }
        return latest;
    }


    private static Vote later(Vote a, Vote b) {
        if (a.hlc() != b.hlc()) {
            return a.hlc() > b.hlc() ? a : b;
        }
        return a.index() >= b.index() ? a : b;
    }
}
