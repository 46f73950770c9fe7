package io.stemedb.replication.consensus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A deterministic simulation of a StemeDB cluster's consensus, in one thread: virtual time, a
 * network that loses, delays, reorders and duplicates messages and can be cut in any shape, nodes
 * that crash (losing what was not on disk) and restart, clocks that run at their own rate, clients
 * writing through whichever node takes their writes, and the records a truncation cuts handed to
 * the primary. Every random choice comes from the seed, so a failing schedule replays exactly.
 *
 * <p>Checked after every step: at most one primary per term; a new primary holds every entry
 * committed in an earlier term (leader completeness); no node's committed entries ever change and
 * all nodes agree on them; a replica never cuts a committed entry; a leadership-confirmed read
 * never misses an acknowledged write. Every simulated second: log matching between every two
 * nodes. At the end, after healing: one primary, the logs equal and fully committed, every
 * acknowledged record at its acknowledged place, every record that was ever durable on any node in
 * the final log, and no record still waiting to be handed over.
 */
final class ConsensusSimulation {

    /** What can go wrong in a schedule. */
    record Faults(double maxLoss, double maxDuplication, long maxDelayMs, boolean crashes, boolean partitions,
            boolean membershipChange, boolean skewedClocks, boolean compaction) {

        static Faults all() {
            return new Faults(0.2, 0.05, 30, true, true, true, true, true);
        }

        static Faults none() {
            return new Faults(0, 0, 5, false, false, false, false, false);
        }
    }

    /** A violation found, with the seed that replays it. */
    static final class Violation extends AssertionError {
        Violation(long seed, long at, String what) {
            super("seed " + seed + " at " + at + " ms: " + what + " (replay: ConsensusSimulationTest with -Dconsensus.seed=" + seed
                    + ")");
        }
    }

    private record Event(long at, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            return at != other.at ? Long.compare(at, other.at) : Long.compare(order, other.order);
        }
    }

    /** A record the primary's api acknowledged: it must stay at this place for good. */
    record Acknowledged(String recordId, long index, long term) {}

    static final long TICK_MS = 10;

    private final long seed;
    private final Random random;
    private final Faults faults;
    private final ConsensusSettings settings;
    private final Map<String, SimulatedNode> nodes = new LinkedHashMap<>();
    private final ClusterConfiguration bootstrap;
    private final Map<String, Long> handedOffThrough = new HashMap<>();
    private final Set<String> everMember = new HashSet<>();
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long now;
    private long order;

    // The network.
    private double loss;
    private double duplication;
    private long maxDelay;
    private final Set<String> blocked = new HashSet<>(); // "from>to"

    // What the checkers remember.
    private final Map<Long, String> primaryOfTerm = new HashMap<>();
    private final Map<Long, Entry> committed = new TreeMap<>();
    /** The term in which each index was first known committed (by a primary, or a replica told so). */
    private final Map<Long, Long> committedInTerm = new HashMap<>();
    private final Map<String, Acknowledged> acknowledged = new LinkedHashMap<>();
    private final Set<String> everDurable = new LinkedHashSet<>();
    private final Map<String, Set<String>> handoff = new HashMap<>();
    private final Map<String, Map<Long, Long>> readsIssued = new HashMap<>();
    private long highestAcknowledgedIndex;
    private long records;
    private long reads;
    private long readsConfirmed;
    private long elections;
    private long rebases;
    private long promotions;
    private long drains;
    private long compactions;
    private boolean clientsRunning = true;
    private boolean healed;
    private String clientGuess;

    ConsensusSimulation(long seed, int voters, int writeQuorum, Faults faults) {
        this.seed = seed;
        this.random = new Random(seed);
        this.faults = faults;
        // A third of the schedules campaign without pre-vote: the election rules must hold by themselves.
        this.settings = new ConsensusSettings(writeQuorum, 300, 50, 16, 4, seed % 3 != 0);
        this.loss = 0;
        this.maxDelay = 5;
        Map<String, Integer> members = new TreeMap<>();
        for (int i = 1; i <= voters; i++) {
            // Mostly equal priorities; sometimes one node is preferred.
            members.put("n" + i, i == 1 && random.nextInt(3) == 0 ? 2 : 1);
        }
        this.bootstrap = ClusterConfiguration.ofVoters(members);
        for (String id : members.keySet()) {
            addNode(id, bootstrap);
        }
    }

    private void addNode(String id, ClusterConfiguration bootstrap) {
        double rate = faults.skewedClocks() ? 0.9 + random.nextDouble() * 0.2 : 1.0;
        long offset = faults.skewedClocks() ? random.nextInt(100_000) : 0;
        SimulatedNode node = new SimulatedNode(id, bootstrap, settings, new Random(seed * 31 + id.hashCode()), rate, offset);
        nodes.put(id, node);
        handoff.put(id, new LinkedHashSet<>());
        node.start(now);
        apply(node);
        scheduleTicks(node);
    }

    // ---------------------------------------------------------------------------------------------
    // Running

    /** Faults for {@code faultMs}, then a healed, quiet network until everything converges. */
    Summary run(long faultMs, long healMs) {
        schedule(0, this::clientWrite);
        schedule(50, this::clientRead);
        schedule(20, this::handoffRound);
        schedule(1_000, this::checkLogMatchingPeriodically);
        if (faults.compaction() && random.nextInt(3) != 0) {
            schedule(300 + random.nextInt(500), this::compactionRound);
        }
        if (faults.maxLoss() > 0) {
            loss = random.nextDouble() * faults.maxLoss();
            duplication = random.nextDouble() * faults.maxDuplication();
        }
        maxDelay = 1 + random.nextInt((int) Math.max(1, faults.maxDelayMs()));
        scheduleFaults(faultMs);
        runUntil(faultMs);
        heal();
        runUntil(faultMs + healMs / 2);
        clientsRunning = false;
        runUntil(faultMs + healMs);
        checkConverged();
        return new Summary(seed, records, acknowledged.size(), committed.size(), elections, reads, readsConfirmed, compactions,
                rebases, promotions, drains);
    }

    /**
     * @param promotions learners the primary made voters by itself (committed)
     * @param drains     primaries drained that handed the role over
     */
    record Summary(long seed, long records, long acknowledged, long committed, long elections, long reads,
            long readsConfirmed, long compactions, long rebases, long promotions, long drains) {}

    private void runUntil(long until) {
        while (!events.isEmpty() && events.peek().at() <= until) {
            Event next = events.poll();
            now = next.at();
            next.action().run();
        }
        now = until;
    }

    private void schedule(long at, Runnable action) {
        events.add(new Event(at, order++, action));
    }

    private void scheduleTicks(SimulatedNode node) {
        schedule(now + 1 + random.nextInt((int) TICK_MS), new Runnable() {
            @Override
            public void run() {
                if (node.up && nodes.get(node.id) == node) {
                    node.consensus.tick(node.localTime(now));
                    apply(node);
                    flush(node);
                }
                if (nodes.get(node.id) == node) {
                    schedule(now + (long) (TICK_MS / node.clockRate), this);
                }
            }
        });
    }

    /** The group commit of one node, then the consensus hears what became durable. */
    private void flush(SimulatedNode node) {
        List<String> refused = new ArrayList<>();
        for (Entry written : node.flushDue(now, refused)) {
            trace(node, "journal wrote (api)", written);
            if (written.kind() == EntryKind.RECORD) {
                everDurable.add(SimulatedNode.recordIdOf(written));
            }
        }
        if (!node.toAnnounce.isEmpty()) {
            List<Entry> announce = new ArrayList<>(node.toAnnounce);
            node.toAnnounce.clear();
            node.consensus.localAppended(announce, node.localTime(now));
            apply(node);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The edge: doing what a node's consensus asks, in the order ConsensusOutput gives

    private void apply(SimulatedNode node) {
        ConsensusOutput out = node.consensus.drain();
        if (out.hardState() != null) {
            if (out.hardState().term() < node.hardState.term()) {
                throw violation(node.id + " persisted term " + out.hardState().term() + " after " + node.hardState.term());
            }
            node.hardState = out.hardState();
            if (node.fencedTerm != out.hardState().term()) {
                node.fencedTerm = out.hardState().term();
                node.journalWritable = false;
            }
        }
        for (LogWrite write : out.logWrites()) {
            if (write.isRebase() && write.truncateFrom() <= node.lastPublishedCommit) {
                throw violation(node.id + " rebased handing over from " + write.truncateFrom() + ", at or below what it"
                        + " had committed, " + node.lastPublishedCommit);
            }
            for (long index = write.isRebase() ? Long.MAX_VALUE : write.truncateFrom(); index <= Math.min(node.lastPublishedCommit, node.journalLastIndex()); index++) {
                int at = (int) (index - write.truncateFrom());
                Entry replacement = at < write.entries().size() ? write.entries().get(at) : null;
                if (replacement == null || !replacement.equals(node.journal.get(index))) {
                    throw violation(node.id + " replaces committed entry " + node.journal.get(index) + " by " + replacement);
                }
            }
            for (Entry cut : node.write(write)) {
                trace(node, "truncated", cut);
                if (cut.kind() == EntryKind.RECORD && !containsRecord(write.entries(), cut)) {
                    handoff.get(node.id).add(SimulatedNode.recordIdOf(cut));
                }
            }
            if (write.isRebase()) {
                rebases++;
                fillAfterRebase(node, write.rebaseTo());
            }
            for (Entry entry : write.entries()) {
                trace(node, "journal wrote (replica)", entry);
                if (entry.kind() == EntryKind.RECORD) {
                    everDurable.add(SimulatedNode.recordIdOf(entry));
                }
            }
        }
        for (ConsensusMessage message : out.messages()) {
            send(message);
        }
        if (out.leadership() != null) {
            onLeadership(node, out.leadership());
        }
        for (Proposal proposal : out.proposals()) {
            String id = proposal.kind() == EntryKind.NOOP ? "noop:" + node.id + ":" + node.hardState.term() + ":" + order
                    : "config:" + new String(proposal.payload(), StandardCharsets.UTF_8);
            node.acceptWrite(id, now + 1 + random.nextInt(5));
        }
        if (out.commitIndex() > node.lastPublishedCommit) {
            onCommit(node, out.commitIndex());
        }
        for (ReadState read : out.readStates()) {
            onReadState(node, read);
        }
        if (node.consensus.configuration().isMember(node.id)) {
            everMember.add(node.id);
        } else if (everMember.contains(node.id) && node.consensus.role() != Role.PRIMARY) {
            // Removed from the cluster (and no longer primary, which still replicates its own): what it holds beyond its commit index goes to the primary,
            // so that nothing it made durable is stranded on a node nobody replicates from.
            long from = Math.max(node.lastPublishedCommit, handedOffThrough.getOrDefault(node.id, 0L));
            for (Entry entry : node.journal.tailMap(from, false).values()) {
                trace(node, "removed: hands off", entry);
                if (entry.kind() == EntryKind.RECORD) {
                    handoff.get(node.id).add(SimulatedNode.recordIdOf(entry));
                }
            }
            handedOffThrough.put(node.id, node.journalLastIndex());
        }
    }

    /**
     * Anti-entropy after a rebase, as the replication-service runs it: the node's store gets every
     * committed record up to the base (the primary's store holds them), and what it had already
     * applied stays. Everything up to the base must have been committed somewhere.
     */
    private void fillAfterRebase(SimulatedNode node, long base) {
        for (long index = 1; index <= base; index++) {
            Entry entry = committed.get(index);
            if (entry == null) {
                throw violation(node.id + " was rebased after " + base + " but entry " + index + " was never committed");
            }
            if (entry.kind() == EntryKind.RECORD) {
                node.store.add(SimulatedNode.recordIdOf(entry));
            }
        }
        node.lastPublishedCommit = Math.max(node.lastPublishedCommit, base);
    }

    /** Retention on one node: the journal's committed, applied prefix is cut at a random point. */
    private void compactionRound() {
        if (!clientsRunning) {
            return;
        }
        List<SimulatedNode> up = nodes.values().stream().filter(node -> node.up).toList();
        if (!up.isEmpty()) {
            SimulatedNode node = up.get(random.nextInt(up.size()));
            long highest = Math.min(node.lastPublishedCommit, node.journalLastIndex());
            if (highest > node.journalBase) {
                long upTo = node.journalBase + 1 + random.nextInt((int) Math.min(Integer.MAX_VALUE, highest - node.journalBase));
                if (TRACED != null) {
                    System.out.println(now + " " + node.id + " compacts to " + upTo);
                }
                node.compact(upTo);
                compactions++;
                apply(node);
            }
        }
        schedule(now + 200 + random.nextInt(800), this::compactionRound);
    }

    private static boolean containsRecord(List<Entry> entries, Entry cut) {
        for (Entry entry : entries) {
            if (entry.kind() == EntryKind.RECORD && java.util.Arrays.equals(entry.payload(), cut.payload())) {
                return true;
            }
        }
        return false;
    }

    private void onLeadership(SimulatedNode node, Leadership leadership) {
        if (leadership.role() == Role.PRIMARY) {
            String earlier = primaryOfTerm.putIfAbsent(leadership.term(), node.id);
            if (earlier != null && !earlier.equals(node.id)) {
                throw violation("two primaries in term " + leadership.term() + ": " + earlier + " and " + node.id);
            }
            if (earlier == null) {
                elections++;
            }
            for (Map.Entry<Long, Entry> entry : committed.entrySet()) {
                if (committedInTerm.get(entry.getKey()) >= leadership.term()) {
                    // Leader completeness is about later terms: a primary of an older term can still
                    // win (votes cast before the voters moved on) after a newer one has committed.
                    continue;
                }
                if (entry.getKey() <= node.journalBase) {
                    // Cut from its journal: committed, so it must be in its store.
                    if (entry.getValue().kind() == EntryKind.RECORD
                            && !node.store.contains(SimulatedNode.recordIdOf(entry.getValue()))) {
                        throw violation(node.id + " became primary of term " + leadership.term() + " without committed record "
                                + entry.getValue() + " in its store (journal base " + node.journalBase + ")");
                    }
                    continue;
                }
                Entry held = node.journal.get(entry.getKey());
                if (held == null || !held.equals(entry.getValue())) {
                    throw violation(node.id + " became primary of term " + leadership.term() + " without committed entry "
                            + entry.getValue() + " (holds " + held + ")");
                }
            }
        }
        node.journalWritable = leadership.writable() && leadership.term() == node.fencedTerm;
    }

    private void onCommit(SimulatedNode node, long commitIndex) {
        for (long index = node.lastPublishedCommit + 1; index <= commitIndex; index++) {
            Entry entry = node.journal.get(index);
            if (entry == null) {
                throw violation(node.id + " committed " + index + " which its journal does not hold (last "
                        + node.journalLastIndex() + ")");
            }
            trace(node, "committed", entry);
            if (entry.kind() == EntryKind.RECORD) {
                node.store.add(SimulatedNode.recordIdOf(entry));
            }
            Entry before = committed.putIfAbsent(index, entry);
            committedInTerm.putIfAbsent(index, node.consensus.term());
            if (before != null && !before.equals(entry)) {
                throw violation("index " + index + " committed as " + before + " and as " + entry + " on " + node.id);
            }
            if (entry.kind() == EntryKind.RECORD && node.consensus.role() == Role.PRIMARY) {
                String recordId = SimulatedNode.recordIdOf(entry);
                Acknowledged earlier = acknowledged.putIfAbsent(recordId, new Acknowledged(recordId, index, entry.term()));
                if (earlier == null) {
                    highestAcknowledgedIndex = Math.max(highestAcknowledgedIndex, index);
                }
            }
        }
        node.lastPublishedCommit = commitIndex;
    }

    private void onReadState(SimulatedNode node, ReadState read) {
        Long neededAtIssue = readsIssued.computeIfAbsent(node.id, id -> new HashMap<>()).remove(read.requestId());
        if (!read.confirmed() || neededAtIssue == null) {
            return;
        }
        readsConfirmed++;
        if (read.index() < neededAtIssue) {
            System.out.println("read " + read + " on " + node.id + " term " + node.consensus.term() + " role " + node.consensus.role()
                    + " commit " + node.consensus.commitIndex() + " (" + termsOf() + ") acknowledged: " + acknowledged.values()
                    .stream().filter(a -> a.index() > read.index()).limit(3).toList() + " primaries " + primaryOfTerm);
            throw violation("a read on " + node.id + " confirmed at index " + read.index() + " would miss a write acknowledged"
                    + " at " + neededAtIssue + " before it began");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The network

    private static final String DEBUG_LINK = System.getProperty("consensus.link");

    private void send(ConsensusMessage message) {
        if (DEBUG_LINK != null && DEBUG_LINK.equals(message.from() + ">" + message.to()) && now > 13_500) {
            System.out.println(now + " send " + message + " blocked=" + blocked.contains(message.from() + ">" + message.to()));
        }
        if (blocked.contains(message.from() + ">" + message.to()) || random.nextDouble() < loss) {
            return;
        }
        int copies = random.nextDouble() < duplication ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            long delay = 1 + random.nextInt((int) maxDelay);
            schedule(now + delay, () -> {
                SimulatedNode target = nodes.get(message.to());
                if (target != null && target.up && !blocked.contains(message.from() + ">" + message.to())) {
                    target.consensus.receive(message, target.localTime(now));
                    apply(target);
                }
            });
        }
    }

    /** Records a node's truncation cut go to its primary, which appends those it lacks. */
    private void handoffRound() {
        for (SimulatedNode node : nodes.values()) {
            Set<String> queue = handoff.get(node.id);
            if (!node.up || queue.isEmpty()) {
                continue;
            }
            // Whom the node follows, else whom the cluster view names (as the gateway learns it); a
            // node removed from the cluster hears from no primary any more, so it asks the view.
            boolean member = node.consensus.configuration().isMember(node.id);
            String primary = member && node.consensus.primaryId() != null ? node.consensus.primaryId() : currentPrimary();
            if (primary == null) {
                continue;
            }
            List<String> batch = new ArrayList<>(queue);
            if (primary.equals(node.id)) {
                takeHandoff(node, node, batch);
            } else if (!blocked.contains(node.id + ">" + primary) && random.nextDouble() >= loss) {
                SimulatedNode target = nodes.get(primary);
                schedule(now + 1 + random.nextInt((int) maxDelay), () -> {
                    if (target != null && target.up) {
                        takeHandoff(node, target, batch);
                    }
                });
            }
        }
        schedule(now + 50, this::handoffRound);
    }

    private void takeHandoff(SimulatedNode from, SimulatedNode primary, List<String> batch) {
        if (!primary.journalWritable) {
            return; // refused: the sender tries again with whoever it then thinks is primary
        }
        Set<String> held = new HashSet<>();
        for (Entry entry : primary.journal.values()) {
            held.add(SimulatedNode.recordIdOf(entry));
        }
        for (SimulatedNode.PendingWrite write : primary.pending) {
            held.add(write.recordId());
        }
        held.addAll(primary.store);
        for (String record : batch) {
            if (!held.contains(record)) {
                Entry written = primary.appendNow(record);
                if (written == null) {
                    return;
                }
                trace(primary, "journal wrote (handoff)", written);
            }
        }
        flush(primary);
        // The primary took them (content-addressed, so a copy it already had counts): done.
        handoff.get(from.id).removeAll(batch);
    }

    // ---------------------------------------------------------------------------------------------
    // Clients

    private void clientWrite() {
        if (!clientsRunning) {
            return;
        }
        String recordId = "r" + (++records);
        List<SimulatedNode> up = nodes.values().stream().filter(node -> node.up).toList();
        SimulatedNode first = clientGuess != null && nodes.get(clientGuess).up ? nodes.get(clientGuess) : null;
        boolean taken = false;
        if (first != null) {
            taken = first.acceptWrite(recordId, now + 1 + random.nextInt(5));
        }
        if (!taken && !up.isEmpty()) {
            SimulatedNode other = up.get(random.nextInt(up.size()));
            taken = other.acceptWrite(recordId, now + 1 + random.nextInt(5));
            if (taken) {
                clientGuess = other.id;
            }
        }
        schedule(now + 2 + random.nextInt(8), this::clientWrite);
    }

    private void clientRead() {
        if (!clientsRunning) {
            return;
        }
        SimulatedNode node = clientGuess == null ? null : nodes.get(clientGuess);
        if (node != null && node.up) {
            long requestId = ++reads;
            readsIssued.computeIfAbsent(node.id, id -> new HashMap<>()).put(requestId, highestAcknowledgedIndex);
            node.consensus.readIndex(requestId, node.localTime(now));
            apply(node);
        }
        schedule(now + 20 + random.nextInt(30), this::clientRead);
    }

    // ---------------------------------------------------------------------------------------------
    // Faults

    private void scheduleFaults(long until) {
        long at = 200 + random.nextInt(500);
        while (at < until) {
            long when = at;
            schedule(when, () -> fault(until));
            at += 300 + random.nextInt(1500);
        }
        if (faults.membershipChange() && random.nextBoolean()) {
            schedule(until / 3 + random.nextInt((int) Math.max(1, until / 3)), () -> changeMembership(until));
        }
    }

    private void fault(long until) {
        if (healed) {
            return;
        }
        List<String> ids = new ArrayList<>(nodes.keySet());
        int kind = random.nextInt(8);
        if (kind <= 1 && faults.crashes()) {
            SimulatedNode victim = nodes.get(ids.get(random.nextInt(ids.size())));
            if (victim.up && nodes.values().stream().filter(n -> n.up).count() > 1) {
                if (TRACED != null) {
                    System.out.println(now + " crash " + victim.id);
                }
                victim.crash();
                schedule(now + 200 + random.nextInt(2500), () -> restart(victim));
            }
        } else if (kind == 2 && faults.partitions()) {
            blocked.clear();
            Set<String> side = new HashSet<>();
            for (String id : ids) {
                if (random.nextBoolean()) {
                    side.add(id);
                }
            }
            cut(side, ids, true);
        } else if (kind == 3 && faults.partitions()) {
            // One way only: a→b lost, b→a delivered.
            String a = ids.get(random.nextInt(ids.size()));
            String b = ids.get(random.nextInt(ids.size()));
            if (!a.equals(b)) {
                blocked.add(a + ">" + b);
            }
        } else if (kind == 4 && faults.partitions()) {
            // The primary alone.
            blocked.clear();
            String primary = currentPrimary();
            if (primary != null) {
                cut(Set.of(primary), ids, true);
            }
        } else if (kind == 5 && faults.partitions()) {
            // Flapping: cut and heal a few times in quick succession.
            Set<String> side = Set.of(ids.get(random.nextInt(ids.size())));
            long at = now;
            for (int i = 0; i < 6; i++) {
                boolean cutNow = i % 2 == 0;
                schedule(at, () -> {
                    if (healed) {
                        return;
                    }
                    blocked.clear();
                    if (cutNow) {
                        cut(side, ids, true);
                    }
                });
                at += 50 + random.nextInt(150);
            }
        } else if (kind == 6 && faults.partitions()) {
            drainPrimary();
        } else {
            blocked.clear();
        }
    }

    /**
     * An operator's drain of the primary: it stops campaigning and hands the role to the most
     * caught-up voter, and some time later is resumed (a restart resumes it too, as in the runtime).
     */
    private void drainPrimary() {
        String primary = currentPrimary();
        if (primary == null) {
            return;
        }
        SimulatedNode node = nodes.get(primary);
        if (TRACED != null) {
            System.out.println(now + " drain " + primary);
        }
        node.consensus.setCampaigning(false, node.localTime(now));
        if (node.consensus.handOver(node.localTime(now)) != null) {
            drains++;
        }
        apply(node);
        ConsensusNode drained = node.consensus;
        schedule(now + 300 + random.nextInt(2000), () -> {
            if (node.up && node.consensus == drained) {
                node.consensus.setCampaigning(true, node.localTime(now));
            }
        });
    }

    private void cut(Set<String> side, List<String> ids, boolean bothWays) {
        for (String a : ids) {
            for (String b : ids) {
                if (side.contains(a) != side.contains(b)) {
                    blocked.add(a + ">" + b);
                    if (bothWays) {
                        blocked.add(b + ">" + a);
                    }
                }
            }
        }
    }

    private void restart(SimulatedNode node) {
        if (!node.up && nodes.get(node.id) == node) {
            node.start(now);
            apply(node);
        }
    }

    /**
     * One membership change during the load: a new node joins as a learner, the primary promotes
     * it to voter by itself once it has caught up (nobody proposes that here), and an original
     * voter is removed (one server at a time, each retried until a primary takes it).
     */
    private void changeMembership(long until) {
        String newcomer = "n" + (nodes.size() + 1);
        addNode(newcomer, bootstrap);
        proposeUntilTaken(config -> config.isMember(newcomer) ? null : config.withLearner(newcomer, 1), until,
                () -> proposeUntilTaken(config -> config.isVoter(newcomer) ? null : config, until,
                        () -> {
                            promotions++;
                            proposeUntilTaken(config -> config.voters().size() <= settings.writeQuorum()
                                    || !config.isVoter("n2") ? null : config.without("n2"), until, () -> { });
                        }));
    }

    /**
     * Asks the primary (whoever it is) to make the change {@code next} computes from its current
     * configuration (null: already done), every 100 ms until it is committed, then runs {@code then}.
     */
    private void proposeUntilTaken(java.util.function.Function<ClusterConfiguration, ClusterConfiguration> next, long until,
            Runnable then) {
        schedule(now + 100, () -> {
            String primary = currentPrimary();
            if (primary != null) {
                SimulatedNode node = nodes.get(primary);
                ClusterConfiguration current = node.consensus.configuration();
                ClusterConfiguration wanted = next.apply(current);
                if (wanted == null && changeCommitted(node)) {
                    then.run();
                    return;
                }
                if (wanted != null && !wanted.equals(current)) {
                    node.consensus.proposeConfiguration(wanted);
                    apply(node);
                }
            }
            proposeUntilTaken(next, until, then);
        });
    }

    /** Whether the primary's configuration in force is committed (its entry at or below the commit index). */
    private boolean changeCommitted(SimulatedNode primary) {
        for (Entry entry : primary.journal.descendingMap().values()) {
            if (entry.kind() == EntryKind.CONFIGURATION) {
                return entry.index() <= primary.lastPublishedCommit;
            }
        }
        return true;
    }

    private String currentPrimary() {
        String primary = null;
        long highest = -1;
        for (SimulatedNode node : nodes.values()) {
            if (node.up && node.consensus.role() == Role.PRIMARY && node.consensus.term() > highest) {
                highest = node.consensus.term();
                primary = node.id;
            }
        }
        return primary;
    }

    private void heal() {
        healed = true;
        blocked.clear();
        loss = 0;
        duplication = 0;
        maxDelay = 5;
        for (SimulatedNode node : nodes.values()) {
            if (!node.up) {
                node.start(now);
                apply(node);
            }
        }
    }

    /**
     * Log matching (§5.3): if two logs hold an entry with the same index and term, they are the
     * same up to and including it.
     */
    private void checkLogMatching() {
        List<SimulatedNode> all = new ArrayList<>(nodes.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                SimulatedNode a = all.get(i);
                SimulatedNode b = all.get(j);
                long common = Math.min(a.journalLastIndex(), b.journalLastIndex());
                long from = Math.max(a.journalBase, b.journalBase) + 1;
                long agreed = 0;
                for (long index = common; index >= from; index--) {
                    Entry x = a.journal.get(index);
                    Entry y = b.journal.get(index);
                    if (x != null && y != null && x.term() == y.term()) {
                        agreed = index;
                        break;
                    }
                }
                for (long index = from; index <= agreed; index++) {
                    if (!java.util.Objects.equals(a.journal.get(index), b.journal.get(index))) {
                        throw violation("log matching: " + a.id + " and " + b.id + " agree on the term of " + agreed
                                + " but differ at " + index + ": " + a.journal.get(index) + " / " + b.journal.get(index));
                    }
                }
            }
        }
    }

    private void checkLogMatchingPeriodically() {
        checkLogMatching();
        schedule(now + 1_000, this::checkLogMatchingPeriodically);
    }

    // ---------------------------------------------------------------------------------------------
    // The end

    private void checkConverged() {
        checkLogMatching();
        String primary = currentPrimary();
        if (primary == null) {
            StringBuilder detail = new StringBuilder();
            for (SimulatedNode node : nodes.values()) {
                detail.append("\n  ").append(node.id).append(": ").append(node.consensus.role()).append('@')
                        .append(node.consensus.term()).append(" last ").append(node.consensus.lastIndex()).append('@')
                        .append(node.consensus.lastTerm()).append(" commit ").append(node.consensus.commitIndex())
                        .append(" voted ").append(node.hardState.votedFor()).append(" config ")
                        .append(node.consensus.configuration());
            }
            throw violation("no primary after healing:" + detail);
        }
        SimulatedNode leader = nodes.get(primary);
        for (SimulatedNode node : nodes.values()) {
            if (!leader.consensus.configuration().isMember(node.id)) {
                continue; // removed from the cluster: its log is no longer kept up to date
            }
            long from = Math.max(node.journalBase, leader.journalBase);
            if (node.journalLastIndex() != leader.journalLastIndex()
                    || !node.journal.tailMap(from, false).equals(leader.journal.tailMap(from, false))) {
                throw violation("after healing (" + termsOf() + "; primary's matches " + leader.consensus.matchIndexes()
                        + ", configuration " + leader.consensus.configuration() + "), " + node.id + "'s log (last " + node.journalLastIndex() + ", commit "
                        + node.lastPublishedCommit + ") differs from primary " + primary + "'s (last " + leader.journalLastIndex()
                        + ", commit " + leader.lastPublishedCommit + ", consensus commit " + leader.consensus.commitIndex()
                        + ", journal base " + leader.journalBase + ", last term " + leader.consensus.lastTerm()
                        + ", term start " + leader.consensus.termStartIndex() + "; " + node.id + "'s base "
                        + node.journalBase + ")");
            }
            if (node.lastPublishedCommit != leader.journalLastIndex()) {
                throw violation("after healing, " + node.id + " has committed " + node.lastPublishedCommit + " of "
                        + leader.journalLastIndex() + " (" + node.consensus.role() + "@" + node.consensus.term() + ", journal base "
                        + node.journalBase + " last " + node.journalLastIndex() + ", consensus commit "
                        + node.consensus.commitIndex() + "; primary " + primary + "'s base " + leader.journalBase
                        + ", first " + leader.consensus.firstIndex() + ", matches " + leader.consensus.matchIndexes()
                        + ", term start " + leader.consensus.termStartIndex() + ", configuration "
                        + leader.consensus.configuration() + ")");
            }
        }
        Set<String> finalRecords = new HashSet<>();
        for (long index = 1; index <= leader.journalLastIndex(); index++) {
            Entry entry = index <= leader.journalBase ? committed.get(index) : leader.journal.get(index);
            if (entry == null || !entry.equals(committed.get(index))) {
                throw violation("after healing, entry " + index + " of the final log is " + entry + ", committed as "
                        + committed.get(index));
            }
            if (entry.kind() == EntryKind.RECORD) {
                finalRecords.add(SimulatedNode.recordIdOf(entry));
            }
        }
        for (SimulatedNode node : nodes.values()) {
            if (leader.consensus.configuration().isMember(node.id) && !node.store.equals(finalRecords)) {
                Set<String> missing = new HashSet<>(finalRecords);
                missing.removeAll(node.store);
                Set<String> extra = new HashSet<>(node.store);
                extra.removeAll(finalRecords);
                throw violation("after healing, " + node.id + "'s store (journal base " + node.journalBase + ") lacks "
                        + missing + " and holds " + extra + " beyond the final log's records");
            }
        }
        for (Acknowledged ack : acknowledged.values()) {
            Entry at = committed.get(ack.index());
            if (at == null || at.term() != ack.term() || !SimulatedNode.recordIdOf(at).equals(ack.recordId())) {
                throw violation("acknowledged " + ack + " is not at its place in the final log (found " + at + ")");
            }
        }
        for (String record : everDurable) {
            if (!finalRecords.contains(record)) {
                throw violation("record " + record + " was durable on some node and is missing from the final log");
            }
        }
        for (Map.Entry<String, Set<String>> queue : handoff.entrySet()) {
            if (!queue.getValue().isEmpty()) {
                SimulatedNode holder = nodes.get(queue.getKey());
                throw violation(queue.getKey() + " still holds records to hand over: " + queue.getValue() + " (it follows "
                        + holder.consensus.primaryId() + ", " + holder.consensus.role() + "@" + holder.consensus.term()
                        + ", the cluster's primary is " + primary + ")");
            }
        }
    }

    private String termsOf() {
        StringBuilder text = new StringBuilder();
        for (SimulatedNode node : nodes.values()) {
            text.append(node.id).append('=').append(node.up ? node.consensus.role() + "@" + node.consensus.term() : "down")
                    .append(' ');
        }
        return text.toString().trim();
    }

    /** {@code -Dconsensus.trace=r42} prints what happens to one record, to find where it went. */
    private static final String TRACED = System.getProperty("consensus.trace");

    private void trace(SimulatedNode node, String what, Entry entry) {
        if (TRACED != null && entry.kind() == EntryKind.RECORD && SimulatedNode.recordIdOf(entry).equals(TRACED)) {
            System.out.println(now + " " + node.id + " " + what + " " + entry + " (" + termsOf() + ", commit "
                    + node.lastPublishedCommit + ")");
        }
    }

    private Violation violation(String what) {
        return new Violation(seed, now, what);
    }
}
