package io.stemedb.replication.consensus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * One node of the simulation: a {@link ConsensusNode} and the edge around it, as the
 * replication-service will wrap it, with its disk modelled. The disk holds the hard state, the
 * journal (index → entry) and the fence (the term the journal is fenced at, and whether it takes
 * the api's appends). The api's appends are group-committed after a delay; a crash loses those
 * not yet written, and everything else that is not on the disk.
 *
 * <p>Retention cuts the journal's committed, applied prefix ({@link #compact}); a rebase drops it
 * all ({@link #write}). The journal then starts after its base, whose term and configuration the
 * disk keeps (the wal must, for a restarted primary to rebase a member). The store (the
 * api-service's index: the records applied, durable through its snapshot) keeps what the journal
 * no longer holds; a rebased node's is filled by anti-entropy, modelled as the simulation's
 * committed records up to the base.
 */
final class SimulatedNode {

    /** A write the api took and the journal has not made durable yet. */
    record PendingWrite(String recordId, long fencedTerm, long durableAt) {}

    final String id;
    private final ClusterConfiguration bootstrap;
    private final ConsensusSettings settings;
    private final Random random;

    // The disk.
    HardState hardState = HardState.INITIAL;
    final NavigableMap<Long, Entry> journal = new TreeMap<>();
    /** The journal holds the entries after this one. */
    long journalBase;
    /** Its term, when kept (a rebase's); 0 when lost (retention's). */
    long journalBaseTerm;
    /** The configuration in force at the base; null: the bootstrap one. */
    ClusterConfiguration baseConfiguration;
    /** The records applied (and filled), by id. */
    final java.util.Set<String> store = new java.util.HashSet<>();
    long fencedTerm;
    boolean journalWritable;

    // Memory (lost on a crash).
    ConsensusNode consensus;
    final List<PendingWrite> pending = new ArrayList<>();
    /** Entries the journal made durable that the consensus has not been told of yet. */
    final List<Entry> toAnnounce = new ArrayList<>();
    long lastPublishedCommit;
    boolean up = true;
    /** The node's clock: its own rate and offset against simulated time. */
    final double clockRate;
    final long clockOffset;

    SimulatedNode(String id, ClusterConfiguration bootstrap, ConsensusSettings settings, Random random, double clockRate,
            long clockOffset) {
        this.id = id;
        this.bootstrap = bootstrap;
        this.settings = settings;
        this.random = random;
        this.clockRate = clockRate;
        this.clockOffset = clockOffset;
    }

    long localTime(long simulatedTime) {
        return clockOffset + (long) (simulatedTime * clockRate);
    }

    /** Starts (or restarts) the consensus from what the disk holds. */
    void start(long simulatedTime) {
        TermRuns runs = journalBase > 0 ? new TermRuns(journalBase, journalBaseTerm) : new TermRuns();
        Map<Long, ClusterConfiguration> configurations = new TreeMap<>();
        if (baseConfiguration != null) {
            configurations.put(journalBase, baseConfiguration);
        }
        for (Entry entry : journal.values()) {
            runs.append(entry.index(), entry.term());
            if (entry.kind() == EntryKind.CONFIGURATION) {
                configurations.put(entry.index(), entry.configuration());
            }
        }
        // What the journal took from the api but never announced: a restart reads the journal.
        consensus = new ConsensusNode(id, bootstrap, settings, random, this::entries, hardState, runs, configurations,
                localTime(simulatedTime));
        pending.clear();
        toAnnounce.clear();
        lastPublishedCommit = journalBase; // applied before it was cut (the store holds it)
        journalWritable = false;
        up = true;
    }

    void crash() {
        up = false;
        consensus = null;
        pending.clear();
        toAnnounce.clear();
    }

    /** The journal as a {@link LogStore}: only durable entries. */
    private List<Entry> entries(long from, long to, int max) {
        List<Entry> found = new ArrayList<>();
        for (Entry entry : journal.subMap(from, true, to, true).values()) {
            if (found.size() == max) {
                break;
            }
            found.add(entry);
        }
        return found;
    }

    long journalLastIndex() {
        return journal.isEmpty() ? journalBase : journal.lastKey();
    }

    /**
     * Retention: the journal forgets entries up to {@code upTo} (committed and applied here), keeping
     * the configuration in force there. The consensus is told, as the runtime tells it.
     */
    void compact(long upTo) {
        if (upTo <= journalBase || upTo > journalLastIndex()) {
            return;
        }
        for (Entry entry : journal.headMap(upTo, true).values()) {
            if (entry.kind() == EntryKind.CONFIGURATION) {
                baseConfiguration = entry.configuration();
            }
        }
        long baseTerm = journal.get(upTo).term();
        journal.headMap(upTo, true).clear();
        journalBase = upTo;
        // The wal keeps the term of the last entry its retention deleted: without it a primary
        // restarted after a cut could not rebase a member whose commit it needs (W = N).
        journalBaseTerm = baseTerm;
        consensus.logCompacted(upTo + 1);
    }

    /** The api takes a write if the journal is fenced writable for a term; false: 503 not_primary. */
    boolean acceptWrite(String recordId, long durableAt) {
        if (!journalWritable) {
            return false;
        }
        pending.add(new PendingWrite(recordId, fencedTerm, durableAt));
        return true;
    }

    /**
     * The group commit: every pending write due by now is written and fsynced, if the journal is
     * still fenced writable at the term it was taken in (the wal checks the fence under its commit
     * lock); the others are refused. Returns what was written.
     */
    List<Entry> flushDue(long simulatedTime, List<String> refusedRecords) {
        List<Entry> written = new ArrayList<>();
        for (var it = pending.iterator(); it.hasNext();) {
            PendingWrite write = it.next();
            if (write.durableAt() > simulatedTime) {
                continue;
            }
            it.remove();
            if (!journalWritable || fencedTerm != write.fencedTerm()) {
                refusedRecords.add(write.recordId());
                continue;
            }
            EntryKind kind = write.recordId().startsWith("noop:") ? EntryKind.NOOP
                    : write.recordId().startsWith("config:") ? EntryKind.CONFIGURATION : EntryKind.RECORD;
            byte[] payload = kind == EntryKind.CONFIGURATION
                    ? write.recordId().substring("config:".length()).getBytes(StandardCharsets.UTF_8)
                    : write.recordId().getBytes(StandardCharsets.UTF_8);
            Entry entry = new Entry(journalLastIndex() + 1, fencedTerm, kind, payload);
            journal.put(entry.index(), entry);
            written.add(entry);
            toAnnounce.add(entry);
        }
        return written;
    }

    /**
     * Appends a record at once and durably (the handoff's answer waits for it, as an import's
     * does), if the journal is fenced writable; null if not.
     */
    Entry appendNow(String recordId) {
        if (!journalWritable) {
            return null;
        }
        Entry entry = new Entry(journalLastIndex() + 1, fencedTerm, EntryKind.RECORD, recordId.getBytes(StandardCharsets.UTF_8));
        journal.put(entry.index(), entry);
        toAnnounce.add(entry);
        return entry;
    }

    /** A replica's journal write: cut from {@code truncateFrom}, append (or rebase); returns the entries cut. */
    List<Entry> write(LogWrite write) {
        if (write.isRebase()) {
            List<Entry> cut = new ArrayList<>(journal.tailMap(write.truncateFrom(), true).values());
            journal.clear();
            journalBase = write.rebaseTo();
            journalBaseTerm = write.rebaseTerm();
            baseConfiguration = write.configuration();
            return cut;
        }
        if (write.truncateFrom() <= journalBase && !write.entries().isEmpty()) {
            throw new IllegalStateException(id + ": a log write at " + write.truncateFrom() + " reaches below the base "
                    + journalBase);
        }
        if (write.truncateFrom() > journalLastIndex() + 1) {
            throw new IllegalStateException(id + ": a log write at " + write.truncateFrom() + " leaves a gap after "
                    + journalLastIndex());
        }
        List<Entry> cut = new ArrayList<>(journal.tailMap(write.truncateFrom(), true).values());
        journal.tailMap(write.truncateFrom(), true).clear();
        for (Entry entry : write.entries()) {
            if (entry.index() != journalLastIndex() + 1) {
                throw new IllegalStateException(id + ": entry " + entry.index() + " does not follow " + journalLastIndex());
            }
            journal.put(entry.index(), entry);
        }
        return cut;
    }

    static String recordIdOf(Entry entry) {
        return new String(entry.payload(), StandardCharsets.UTF_8);
    }
}
