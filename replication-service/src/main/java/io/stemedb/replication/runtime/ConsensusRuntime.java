package io.stemedb.replication.runtime;

import io.grpc.Context;
import io.grpc.Status;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.ConsensusMessage;
import io.stemedb.replication.consensus.ConsensusNode;
import io.stemedb.replication.consensus.ConsensusOutput;
import io.stemedb.replication.consensus.ConsensusSettings;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.consensus.EntryKind;
import io.stemedb.replication.consensus.HardState;
import io.stemedb.replication.consensus.Leadership;
import io.stemedb.replication.consensus.LogWrite;
import io.stemedb.replication.consensus.Proposal;
import io.stemedb.replication.consensus.ReadState;
import io.stemedb.replication.consensus.Role;
import io.stemedb.replication.consensus.TermRuns;
import io.stemedb.replication.transport.PeerLinks;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge around a {@link ConsensusNode}: one thread owns it, takes inputs from a queue (peer
 * messages, the journal's durable entries, requests), ticks it every few milliseconds, and does
 * what each drain asks, in {@link ConsensusOutput}'s order, through the local journal
 * ({@link JournalPort}) and the peers ({@link PeerLinks}). Nothing else touches the node.
 *
 * <p>If a call to the journal fails (it refuses to persist the hard state or a replica write, or
 * does not answer within its deadline), the in-memory node may believe something the disk does not
 * hold. The runtime then does what a crash and restart would do, without the process: it drops
 * the node, leaves primary mode, and recovers a new node from the journal, retrying with backoff
 * (up to {@link #MAX_RETRY_MS}) until the journal answers. Messages and proposals in flight are
 * lost, which the consensus is built for; a write waiting for its commit gets
 * {@code replication_timeout}. Only an {@link Error} stops the runtime for good.
 */
public final class ConsensusRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsensusRuntime.class);
    private static final long TICK_MS = 10;
    private static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 5_000;

    private final String nodeId;
    private final ConsensusSettings settings;
    private final ClusterConfiguration bootstrap;
    private final JournalPort journal;
    private final PeerLinks peers;
    private final Handoffs handoffs;
    private final EntryCache cache;
    private final RuntimeEvents events;
    private final LinkedBlockingQueue<Consumer<ConsensusNode>> inputs = new LinkedBlockingQueue<>();
    private final Map<Long, CompletableFuture<ReadState>> pendingReads = new ConcurrentHashMap<>();
    /** When (consensus clock) the local journal made each batch durable, by its last index; for lag. */
    private final TreeMap<Long, Long> durableAt = new TreeMap<>();
    private final AtomicLong readIds = new AtomicLong();
    private final Thread loop;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile StatusSnapshot status;
    private volatile int handoffsWaiting;
    private ConsensusNode node;
    private Context.CancellableContext following;
    private long followFrom;
    private long followGeneration;
    private boolean primaryMode;
    private long publishedCommit;

    public ConsensusRuntime(String nodeId, ConsensusSettings settings, ClusterConfiguration bootstrap, JournalPort journal,
            PeerLinks peers, HandoffSender handoffSender, long cacheBytes, RuntimeEvents events) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.journal = journal;
        this.peers = peers;
        this.handoffs = new Handoffs(handoffSender, journal);
        this.cache = new EntryCache(cacheBytes, journal);
        this.events = events;
        this.loop = new Thread(this::run, "consensus-" + nodeId);
        this.loop.setDaemon(true);
    }

    public void start() {
        loop.start();
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs, from any thread

    public void receive(ConsensusMessage message) {
        inputs.add(node -> node.receive(message, now()));
    }

    public void memberDown(String member) {
        inputs.add(node -> node.memberDown(member, now()));
    }

    /** Retention deleted the journal's entries before {@code firstIndex}: the consensus forgets their terms. */
    public void logCompacted(long firstIndex) {
        if (firstIndex > 1) {
            inputs.add(node -> node.logCompacted(firstIndex));
        }
    }

    /** A leadership-confirmed read index; completes with the answer, or not confirmed. */
    public CompletableFuture<ReadState> readIndex() {
        long id = readIds.incrementAndGet();
        CompletableFuture<ReadState> answer = new CompletableFuture<>();
        pendingReads.put(id, answer);
        inputs.add(node -> node.readIndex(id, now()));
        return answer;
    }

    /**
     * The node's drain: with {@code draining} it stops campaigning and, as primary, hands the role to
     * the most caught-up voter; without, it campaigns again. Not kept across a restart.
     */
    public CompletableFuture<DrainOutcome> drain(boolean draining) {
        CompletableFuture<DrainOutcome> answer = new CompletableFuture<>();
        inputs.add(node -> {
            boolean wasPrimary = node.role() == Role.PRIMARY;
            node.setCampaigning(!draining, now());
            String handedTo = draining ? node.handOver(now()) : null;
            answer.complete(new DrainOutcome(wasPrimary, handedTo, node.isCampaigning()));
        });
        return answer;
    }

    /** The operator's demote: to whom the role goes ("" none), or null when nothing was done. */
    public CompletableFuture<String> demote(boolean force) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        inputs.add(node -> answer.complete(node.demote(force, now())));
        return answer;
    }

    /**
     * Proposes {@code change} on this node if it is the primary (one member at a time, as the
     * consensus allows: see {@link ConsensusNode#configurationRefusal}); completes with what became
     * of it. A removal of a member the primary heard from within an election timeout needs force.
     */
    public CompletableFuture<MembershipChange.Outcome> changeMembers(MembershipChange change) {
        CompletableFuture<MembershipChange.Outcome> answer = new CompletableFuture<>();
        inputs.add(node -> answer.complete(changeMembers(node, change)));
        return answer;
    }

    private MembershipChange.Outcome changeMembers(ConsensusNode node, MembershipChange change) {
        ClusterConfiguration current = node.configuration();
        if (node.role() != Role.PRIMARY) {
            return new MembershipChange.Outcome(MembershipChange.Outcome.Status.NOT_PRIMARY, node.primaryId() == null
                    ? "this node is not the primary and knows of none" : "this node is not the primary", current,
                    node.primaryId());
        }
        long now = now();
        Map<String, Long> silentFor = new HashMap<>();
        node.lastHeard().forEach((member, heardAt) -> silentFor.put(member, now - heardAt));
        MembershipChange.Next next = change.next(current, silentFor, settings.electionTimeoutMs());
        if (next.configuration() == null) {
            return new MembershipChange.Outcome(next.status(), next.detail(), current, node.id());
        }
        String refusal = node.configurationRefusal(next.configuration());
        if (refusal != null || !node.proposeConfiguration(next.configuration())) {
            return new MembershipChange.Outcome(MembershipChange.Outcome.Status.REFUSED, refusal, current, node.id());
        }
        log.info("membership change proposed: {} {} (configuration {} -> {})", change.kind(), change.nodeId(), current,
                next.configuration());
        return new MembershipChange.Outcome(MembershipChange.Outcome.Status.PROPOSED, null, next.configuration(), node.id());
    }

    public StatusSnapshot status() {
        return status;
    }

    /** Records dropped by a truncation and not yet durable on a primary. */
    public int handoffsWaiting() {
        return handoffsWaiting;
    }

    /** Why the runtime stopped, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    // ---------------------------------------------------------------------------------------------
    // The loop

    private void run() {
        long retry = FIRST_RETRY_MS;
        try {
            while (running) {
                try {
                    runFromJournal();
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    events.restarting(e, retry);
                    abandonNode();
                    Thread.sleep(retry);
                    retry = Math.min(MAX_RETRY_MS, retry * 2);
                    continue;
                }
                retry = FIRST_RETRY_MS;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Error e) {
            failure = e;
            log.error("consensus stopped: the node no longer takes part in the cluster", e);
        } finally {
            if (following != null) {
                following.cancel(null);
            }
            pendingReads.values().forEach(read -> read.complete(new ReadState(0, -1)));
        }
    }

    /** One life of a node: recovered from the journal, then run until this runtime closes or a journal call fails. */
    private void runFromJournal() throws InterruptedException {
        if (primaryMode) {
            journal.setPrimary(status == null ? 0 : status.term(), false);
            primaryMode = false;
        }
        node = recover();
        process(node.drain());
        followJournal(node.lastIndex() + 1);
        long nextTick = now();
        while (running) {
            long wait = Math.max(0, nextTick - now());
            Consumer<ConsensusNode> input = inputs.poll(wait, TimeUnit.MILLISECONDS);
            while (input != null) {
                input.accept(node);
                process(node.drain());
                input = inputs.poll();
            }
            long time = now();
            if (time >= nextTick) {
                node.tick(time);
                process(node.drain());
                handoffs.retry(node.primaryId(), node.isWritable(), time, done -> inputs.add(ignored -> done.run()));
                publishStatus();
                events.ticked(status);
                nextTick = time + TICK_MS;
            }
        }
    }

    /**
     * After a failed journal call: forgets the node and what only it knew. Reads waiting on it are
     * answered unconfirmed, the journal stream is closed, the cache emptied (the journal is read
     * again).
     */
    private void abandonNode() {
        if (following != null) {
            following.cancel(null);
            following = null;
        }
        for (Long id : List.copyOf(pendingReads.keySet())) {
            CompletableFuture<ReadState> read = pendingReads.remove(id);
            if (read != null) {
                read.complete(new ReadState(0, -1));
            }
        }
        cache.dropFrom(0);
        durableAt.clear();
        node = null;
        StatusSnapshot last = status;
        if (last != null) {
            // Not primary, no primary known, not writable, until the recovered node says otherwise.
            status = new StatusSnapshot(last.nodeId(), Role.REPLICA, last.term(), null, last.commitIndex(), last.lastIndex(),
                    false, last.configuration(), Map.of(), Map.of(), Map.of(), 0, last.writeQuorum(), now());
            events.statusChanged(status);
        }
    }

    /** The consensus as the disk holds it: term and vote, and the terms and configurations of the journal. */
    private ConsensusNode recover() {
        StatusResponse state = journal.status();
        HardState hardState = new HardState(state.getFencedTerm(), state.getVotedFor().isEmpty() ? null : state.getVotedFor());
        // The base's term as the wal kept it when retention deleted the base (0: unknown, from an
        // older version; a member that needs the base then waits, see ConsensusNode.sendRebase).
        TermRuns runs = state.getFirstIndex() > 1 ? new TermRuns(state.getFirstIndex() - 1, state.getBaseTerm()) : new TermRuns();
        TreeMap<Long, ClusterConfiguration> configurations = new TreeMap<>();
        if (state.getFirstIndex() > 1 && !state.getBaseConfiguration().isEmpty()) {
            // In force at the base, as the wal kept it when retention or a rebase took the entries
            // before: the configuration entries among them are nowhere else.
            configurations.put(state.getFirstIndex() - 1, ClusterConfiguration.decode(state.getBaseConfiguration().toByteArray()));
        }
        long from = state.getFirstIndex() == 0 ? 1 : state.getFirstIndex();
        // Headers only: a journal of a million records would otherwise cross in full (seconds of
        // a start's CPU) for its terms and its few configuration entries. The cache fills with
        // what is written from now on; older entries are read from the journal when a replica needs them.
        List<Long> configurationIndexes = new ArrayList<>();
        if (from <= state.getLastDurableIndex()) {
            journal.readHeaders(from, (index, term, configuration) -> {
                runs.append(index, term);
                if (configuration) {
                    configurationIndexes.add(index);
                }
            });
        }
        for (long index : configurationIndexes) {
            List<Entry> entry = journal.read(index, 1);
            if (entry.isEmpty() || entry.get(0).index() != index || entry.get(0).kind() != EntryKind.CONFIGURATION) {
                throw new IllegalStateException("configuration entry " + index + " is no longer in the journal");
            }
            configurations.put(index, entry.get(0).configuration());
        }
        log.info("consensus of {} starts at term {} (voted for {}), log {}..{}, configuration {}", nodeId,
                hardState.term(), hardState.votedFor(), runs.firstIndex(), runs.lastIndex(),
                configurations.isEmpty() ? bootstrap : configurations.lastEntry().getValue());
        return new ConsensusNode(nodeId, bootstrap, settings, new Random(new SecureRandom().nextLong()), cache, hardState, runs,
                configurations, now());
    }

    /** What the local journal makes durable (the api's writes on the primary), for the consensus and the cache. */
    private void followJournal(long from) {
        followFrom = from;
        long generation = ++followGeneration;
        following = journal.follow(from, entries -> inputs.add(node -> {
            cache.add(entries);
            List<Entry> unknown = new ArrayList<>();
            for (Entry entry : entries) {
                if (entry.index() > node.lastIndex()) {
                    unknown.add(entry);
                }
            }
            if (!unknown.isEmpty()) {
                durableAt.put(unknown.get(unknown.size() - 1).index(), now());
                node.localAppended(unknown, now());
            }
        }), error -> inputs.add(node -> {
            if (!running || generation != followGeneration) {
                return; // closed, or a stream of a node abandoned since
            }
            if (error != null && Status.fromThrowable(error).getCode() != Status.Code.ABORTED) {
                log.debug("journal stream ended: {}", error.toString());
            }
            // Truncated under it, or broken: follow again from what the consensus holds.
            followJournal(node.lastIndex() + 1);
        }));
    }

    // ---------------------------------------------------------------------------------------------
    // Doing what the consensus asks, in order

    private void process(ConsensusOutput out) {
        if (!out.hasWork() && out.commitIndex() == publishedCommit) {
            return;
        }
        if (out.hardState() != null) {
            journal.persist(out.hardState());
            if (primaryMode) {
                primaryMode = false; // a higher term ended it in the journal already
            }
        }
        for (LogWrite write : out.logWrites()) {
            List<Entry> dropped = journal.write(write);
            // A rebase empties the journal: nothing cached before its base is there any more.
            cache.dropFrom(write.isRebase() ? 0 : write.truncateFrom());
            cache.add(write.entries());
            if (write.isRebase()) {
                events.rebased(write.rebaseTo(), write.rebaseTerm());
            }
            if (!dropped.isEmpty()) {
                events.truncated(write.truncateFrom(), dropped.size());
                handoffs.add(dropped);
            }
        }
        for (ConsensusMessage message : out.messages()) {
            peers.send(message);
        }
        if (out.leadership() != null) {
            applyLeadership(out.leadership());
        }
        for (Proposal proposal : out.proposals()) {
            if (primaryMode) {
                journal.appendProposal(proposal);
            }
        }
        boolean changed = out.leadership() != null;
        if (out.commitIndex() > publishedCommit) {
            publishedCommit = out.commitIndex();
            journal.setCommitIndex(publishedCommit);
            changed = true;
        }
        for (ReadState read : out.readStates()) {
            CompletableFuture<ReadState> pending = pendingReads.remove(read.requestId());
            if (pending != null) {
                pending.complete(read);
            }
        }
        publishStatus();
        if (changed) {
            events.statusChanged(status);
        }
    }

    private void applyLeadership(Leadership leadership) {
        boolean writable = leadership.writable();
        if (writable != primaryMode) {
            journal.setPrimary(leadership.term(), writable);
            primaryMode = writable;
        }
        events.leadership(leadership);
    }

    private void publishStatus() {
        StatusSnapshot snapshot = StatusSnapshot.of(node, settings, lagSeconds());
        status = snapshot;
        handoffsWaiting = handoffs.waiting();
    }

    /**
     * On the primary, how far behind each member is in seconds: the age of the oldest entry it
     * lacks (when that entry became durable here); 0 for a member that has everything.
     */
    private Map<String, Double> lagSeconds() {
        Map<String, Double> lag = new TreeMap<>();
        Map<String, Long> matches = node.matchIndexes();
        if (matches.isEmpty()) {
            durableAt.clear();
            return lag;
        }
        long now = now();
        long lowest = Long.MAX_VALUE;
        for (Map.Entry<String, Long> member : matches.entrySet()) {
            long match = member.getValue();
            lowest = Math.min(lowest, match);
            Map.Entry<Long, Long> oldestMissing = durableAt.ceilingEntry(match + 1);
            lag.put(member.getKey(), match >= node.lastIndex() || oldestMissing == null ? 0.0
                    : (now - oldestMissing.getValue()) / 1000.0);
        }
        durableAt.headMap(lowest, true).clear();
        return lag;
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        try {
            loop.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
