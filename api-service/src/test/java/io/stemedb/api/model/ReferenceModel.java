package io.stemedb.api.model;

import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The data model written the simplest way possible, to check the index against: a list of the
 * records in log order, and each query answered by scanning all of it. Nothing incremental,
 * nothing clever; docs/api.md's definitions, one to one.
 */
final class ReferenceModel {

    private final List<LogRecord> log = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final List<Epoch> epochs = new ArrayList<>();

    /** Takes a record as the index would: duplicates (same id, or an epoch number taken) are ignored. */
    void apply(LogRecord record) {
        if (record instanceof Epoch epoch) {
            if (epoch.number() == epochs.size() + 1) {
                epochs.add(epoch);
                log.add(record);
            }
            return;
        }
        String id = record instanceof Assertion a ? a.id() : record instanceof Retraction r ? r.id() : ((Vote) record).id();
        if (ids.add(id)) {
            log.add(record);
        }
    }

    Epoch epoch(long number) {
        return number >= 1 && number <= epochs.size() ? epochs.get((int) number - 1) : null;
    }

    /** The ids (records in history) a query answers, in order. */
    List<String> answer(String root, boolean subtree, String predicate, String lens, long maxIndex, long maxHlc) {
        List<LogRecord> seen = log.stream().filter(r -> r.index() <= maxIndex && r.hlc() <= maxHlc).toList();
        Map<String, Assertion> assertions = new HashMap<>();
        for (LogRecord record : log) {
            if (record instanceof Assertion a) {
                assertions.put(a.id(), a);
            }
        }
        TreeSet<String> concepts = new TreeSet<>();
        for (Assertion a : assertions.values()) {
            String path = a.conceptPath();
            if (path.equals(root) || (subtree && path.startsWith(root + "/"))) {
                concepts.add(path);
            }
        }
        List<String> answer = new ArrayList<>();
        for (String concept : concepts) {
            if (lens.equals("history")) {
                for (LogRecord record : seen) {
                    Assertion about = record instanceof Assertion a ? a
                            : record instanceof Retraction r ? assertions.get(r.assertionId()) : null;
                    if (about != null && about.conceptPath().equals(concept)
                            && (predicate == null || predicate.equals(about.predicate()))) {
                        answer.add(record instanceof Assertion a ? a.id() : ((Retraction) record).id());
                    }
                }
                continue;
            }
            TreeMap<String, List<Assertion>> live = new TreeMap<>();
            for (LogRecord record : seen) {
                if (record instanceof Assertion a && a.conceptPath().equals(concept)
                        && (predicate == null || predicate.equals(a.predicate())) && !retracted(a, seen)) {
                    live.computeIfAbsent(a.predicate(), p -> new ArrayList<>()).add(a);
                }
            }
            for (List<Assertion> candidates : live.values()) {
                Comparator<Assertion> recency = Comparator.comparingLong(Assertion::hlc).thenComparing(Assertion::id);
                Comparator<Assertion> order = switch (lens) {
                    case "recency" -> recency;
                    case "confidence" -> Comparator.comparing((Assertion a) -> new BigDecimal(a.content().confidence()))
                            .thenComparing(recency);
                    case "consensus" -> Comparator.comparingInt((Assertion a) -> netVotes(a, seen)).thenComparing(recency);
                    default -> throw new IllegalArgumentException(lens);
                };
                answer.add(candidates.stream().max(order).orElseThrow().id());
            }
        }
        return answer;
    }

    private static boolean retracted(Assertion assertion, List<LogRecord> seen) {
        return seen.stream().anyMatch(r -> r instanceof Retraction retraction && retraction.assertionId().equals(assertion.id()));
    }

    static int netVotes(Assertion assertion, List<LogRecord> seen) {
        Map<String, Vote> latest = new HashMap<>();
        for (LogRecord record : seen) {
            if (record instanceof Vote vote && vote.assertionId().equals(assertion.id())) {
                Vote before = latest.get(vote.agentId());
                if (before == null || vote.hlc() > before.hlc() || (vote.hlc() == before.hlc() && vote.index() > before.index())) {
                    latest.put(vote.agentId(), vote);
                }
            }
        }
        return latest.values().stream().mapToInt(Vote::weight).sum();
    }
}
