package io.stemedb.replication.consensus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for the rule tests: nodes with in-memory journals, a message pool the test
 * delivers from (all, or only what a predicate lets through), and a clock the test moves. What
 * each node's consensus asks is done at once, in {@link ConsensusOutput}'s order.
 */
final class Harness {

    final ConsensusSettings settings;
    final ClusterConfiguration bootstrap;
    final Map<String, ConsensusNode> nodes = new LinkedHashMap<>();
    final Map<String, NavigableMap<Long, Entry>> journals = new LinkedHashMap<>();
    final Map<String, HardState> hardStates = new LinkedHashMap<>();
    final Map<String, Leadership> leadership = new LinkedHashMap<>();
    final Map<String, List<Entry>> cut = new LinkedHashMap<>();
    final Map<String, List<ReadState>> reads = new LinkedHashMap<>();
    /** Where each node's journal was last rebased to (by a primary's Rebase). */
    final Map<String, Long> rebasedTo = new LinkedHashMap<>();
    /** The last entry each journal no longer holds (retention, a rebase); 0 for a whole journal. */
    final Map<String, Long> journalBase = new LinkedHashMap<>();
    final List<ConsensusMessage> inFlight = new ArrayList<>();
    long now = 1_000;
    private int records;

    Harness(int writeQuorum, String... ids) {
        this(new ConsensusSettings(writeQuorum, 1000, 100, 64, 4, true), ids);
    }

    Harness(ConsensusSettings settings, String... ids) {
        this(settings, equalPriorities(ids));
    }

    /** Voters with the given election priorities. */
    Harness(ConsensusSettings settings, Map<String, Integer> priorities) {
        this.settings = settings;
        this.bootstrap = ClusterConfiguration.ofVoters(priorities);
        for (String id : new TreeMap<>(priorities).keySet()) {
            journals.put(id, new TreeMap<>());
            hardStates.put(id, HardState.INITIAL);
            cut.put(id, new ArrayList<>());
            reads.put(id, new ArrayList<>());
            start(id);
        }
    }

    private static Map<String, Integer> equalPriorities(String... ids) {
        Map<String, Integer> voters = new TreeMap<>();
        for (String id : ids) {
            voters.put(id, 1);
        }
        return voters;
    }

    /** Starts (or restarts) a node from its journal and hard state, as after a crash. */
    ConsensusNode start(String id) {
        TermRuns runs = new TermRuns();
        Map<Long, ClusterConfiguration> configurations = new TreeMap<>();
        for (Entry entry : journals.get(id).values()) {
            runs.append(entry.index(), entry.term());
            if (entry.kind() == EntryKind.CONFIGURATION) {
                configurations.put(entry.index(), entry.configuration());
            }
        }
        NavigableMap<Long, Entry> journal = journals.get(id);
        ConsensusNode node = new ConsensusNode(id, bootstrap, settings, new Random(id.hashCode()),
                (from, to, max) -> new ArrayList<>(journal.subMap(from, true, to, true).values()).subList(0,
                        (int) Math.min(max, journal.subMap(from, true, to, true).size())),
                hardStates.get(id), runs, configurations, now);
        nodes.put(id, node);
        apply(id);
        return node;
    }

    ConsensusNode node(String id) {
        return nodes.get(id);
    }

    void apply(String id) {
        ConsensusNode node = nodes.get(id);
        ConsensusOutput out = node.drain();
        if (out.hardState() != null) {
            hardStates.put(id, out.hardState());
        }
        NavigableMap<Long, Entry> journal = journals.get(id);
        for (LogWrite write : out.logWrites()) {
            cut.get(id).addAll(journal.tailMap(write.truncateFrom(), true).values());
            journal.tailMap(write.truncateFrom(), true).clear();
            if (write.isRebase()) {
                journal.clear();
                rebasedTo.put(id, write.rebaseTo());
                journalBase.put(id, write.rebaseTo());
            }
            write.entries().forEach(entry -> journal.put(entry.index(), entry));
        }
        inFlight.addAll(out.messages());
        if (out.leadership() != null) {
            leadership.put(id, out.leadership());
        }
        for (Proposal proposal : out.proposals()) {
            appendLocally(id, proposal.kind(), proposal.payload());
        }
        reads.get(id).addAll(out.readStates());
    }

    /** The api of {@code id} writes a record: its journal appends it at the next index, in the node's term. */
    Entry write(String id) {
        return appendLocally(id, EntryKind.RECORD, ("r" + (++records)).getBytes(StandardCharsets.UTF_8));
    }

    private Entry appendLocally(String id, EntryKind kind, byte[] payload) {
        NavigableMap<Long, Entry> journal = journals.get(id);
        Entry entry = new Entry(journal.isEmpty() ? journalBase.getOrDefault(id, 0L) + 1 : journal.lastKey() + 1,
                nodes.get(id).term(), kind, payload);
        journal.put(entry.index(), entry);
        nodes.get(id).localAppended(List.of(entry), now);
        apply(id);
        return entry;
    }

    /** Retention on {@code id}: its journal loses the entries before {@code firstIndex}, and its consensus is told. */
    void compact(String id, long firstIndex) {
        journals.get(id).headMap(firstIndex, false).clear();
        journalBase.merge(id, firstIndex - 1, Math::max);
        nodes.get(id).logCompacted(firstIndex);
        apply(id);
    }

    void tick(String id) {
        nodes.get(id).tick(now);
        apply(id);
    }

    void advance(long ms) {
        now += ms;
    }

    /** Delivers every message in flight that {@code allowed} lets through (and drops the others), until none is left. */
    void deliver(Predicate<ConsensusMessage> allowed) {
        for (int rounds = 0; rounds < 1_000 && !inFlight.isEmpty(); rounds++) {
            List<ConsensusMessage> batch = new ArrayList<>(inFlight);
            inFlight.clear();
            for (ConsensusMessage message : batch) {
                if (allowed.test(message) && nodes.containsKey(message.to())) {
                    nodes.get(message.to()).receive(message, now);
                    apply(message.to());
                }
            }
        }
    }

    void deliverAll() {
        deliver(message -> true);
    }

    /** Drops everything in flight. */
    void dropAll() {
        inFlight.clear();
    }

    /** Ticks {@code id} past its election timeout, then lets the election run with every message delivered. */
    void elect(String id) {
        advance(3 * settings.electionTimeoutMs());
        tick(id);
        deliverAll();
    }

    static Predicate<ConsensusMessage> between(String... ids) {
        List<String> allowed = List.of(ids);
        return message -> allowed.contains(message.from()) && allowed.contains(message.to());
    }
}
