package io.stemedb.replication.consensus;

import io.stemedb.replication.consensus.ConsensusMessage.Append;
import io.stemedb.replication.consensus.ConsensusMessage.AppendReply;
import io.stemedb.replication.consensus.ConsensusMessage.PreVote;
import io.stemedb.replication.consensus.ConsensusMessage.PreVoteReply;
import io.stemedb.replication.consensus.ConsensusMessage.Rebase;
import io.stemedb.replication.consensus.ConsensusMessage.TimeoutNow;
import io.stemedb.replication.consensus.ConsensusMessage.Vote;
import io.stemedb.replication.consensus.ConsensusMessage.VoteReply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * One node's side of StemeDB's consensus: Raft (Ongaro and Ousterhout 2014, and Ongaro's thesis)
 * with flexible quorums ({@link Quorum}), pre-vote, check-quorum, leadership transfer, election
 * priorities and single-server configuration changes, as a deterministic state machine in the
 * manner of etcd-raft: no threads, sockets, disk or clock inside. Inputs are {@link #tick},
 * {@link #receive}, {@link #localAppended} and the operator's and readers' requests; each only
 * changes state and buffers what the caller must do, which {@link #drain()} hands out in the order
 * {@link ConsensusOutput} gives. Time is the {@code now} each input carries (milliseconds on the
 * node's own monotonic clock; no two nodes' clocks are compared), and every random choice comes
 * from the injected {@link Random}, so a simulation replays any schedule from its seed.
 *
 * <h2>The log</h2>
 * The entries live in the journal, not here; this class keeps their terms ({@link TermRuns}) and
 * the configurations among them. On the primary the journal assigns every index (records written
 * by the api, and this class's {@link Proposal}s), and the consensus hears of them, once durable,
 * through {@link #localAppended}. On a replica the consensus decides what its journal holds
 * ({@link LogWrite}), after the AppendEntries consistency check.
 *
 * <h2>Safety, in short</h2>
 * At most one primary per term: a vote is given once per term and persisted before it is sent,
 * and any two election quorums meet. Every committed entry is in every later primary's log: it is
 * on W voters, every election quorum meets those W, and a vote goes only to a log at least as up to
 * date. An entry of an earlier term commits only by counting a later entry of the current term.
 * While a configuration change is not committed, an index commits only with W copies among the old
 * voters and W among the new ones, so quorums of the two configurations always meet.
 */
public final class ConsensusNode {

    /** Heartbeat intervals without progress after which a replicating member's pipeline is resent. */
    static final int STALLED_HEARTBEATS = 5;

    private final String id;
    private final ConsensusSettings settings;
    private final Random random;
    private final LogStore store;
    private final TermRuns log;
    private final ConfigurationLog configurations;

    private long term;
    private String votedFor;
    private Role role;
    private String primaryId;
    private long commitIndex;

    private long electionDeadline;
    /** When this node last heard from the primary of its term (replicas) or from W voters (primary). */
    private long leaseRenewedAt = Long.MIN_VALUE / 2;
    private boolean primarySuspectedDead;

    // An election in progress (pre-vote or vote).
    private final Set<String> granted = new HashSet<>();
    private final Set<String> refused = new HashSet<>();

    // The primary's state.
    private final Map<String, Progress> progress = new TreeMap<>();
    private long termStartIndex;
    private long nextCheckQuorumAt;
    private String transferTarget;
    /** False while the node is drained: it votes and replicates but never campaigns. */
    private boolean campaigning = true;
    /**
     * A configuration this primary proposed that its log does not hold yet (the journal has not
     * made it durable): no other change is proposed meanwhile. Given up after two election
     * timeouts (a proposal the journal never took).
     */
    private ClusterConfiguration proposedConfiguration;
    private long proposedConfigurationAt = -1;
    private long transferDeadline;
    private final ReadConfirmations reads = new ReadConfirmations();

    // Output, until drained.
    private HardState hardStateToPersist;
    private final List<LogWrite> logWrites = new ArrayList<>();
    private final List<ConsensusMessage> messages = new ArrayList<>();
    private final List<Proposal> proposals = new ArrayList<>();
    private final List<ReadState> readStates = new ArrayList<>();
    private Leadership reportedLeadership;
    private Leadership leadershipToReport;

    /**
     * A node starting from what its disk holds: the term and vote it persisted, the terms of the
     * entries its journal holds, and the configuration entries among them. A new node starts from
     * {@link HardState#INITIAL} and an empty {@link TermRuns}.
     *
     * @param bootstrap the configuration every member of a new cluster starts with (index 0)
     */
    public ConsensusNode(String id, ClusterConfiguration bootstrap, ConsensusSettings settings, Random random,
            LogStore store, HardState durable, TermRuns log, Map<Long, ClusterConfiguration> configurationEntries,
            long now) {
        ClusterConfiguration.requireNodeId(id);
        this.id = id;
        this.settings = settings;
        this.random = random;
        this.store = store;
        this.log = log;
        this.configurations = new ConfigurationLog(bootstrap, configurationEntries);
        this.term = durable.term();
        this.votedFor = durable.votedFor();
        this.role = isVoter() ? Role.REPLICA : Role.LEARNER;
        // A lone voter need not wait to find out that nobody else is primary.
        this.electionDeadline = configuration().voters().size() == 1 && isVoter() ? now : randomElectionDeadline(now);
        reportLeadership();
    }

    // ---------------------------------------------------------------------------------------------
    // Inputs

    /** Advances timers: elections, heartbeats, check-quorum, leadership transfer. */
    public void tick(long now) {
        if (role == Role.PRIMARY) {
            tickPrimary(now);
            return;
        }
        if (isVoter() && now >= electionDeadline) {
            if (!campaigning) {
                electionDeadline = randomElectionDeadline(now);
                return;
            }
            if (settings.preVote()) {
                startPreVote(now);
            } else {
                startElection(now, false);
            }
        }
    }

    public void receive(ConsensusMessage message, long now) {
        if (!message.to().equals(id)) {
            return;
        }
        if (message.term() > term && !adoptTermOf(message, now)) {
            return;
        }
        if (message.term() < term) {
            answerStale(message);
            return;
        }
        if (message instanceof PreVote preVote) {
            onPreVote(preVote, now);
        } else if (message instanceof PreVoteReply reply) {
            onPreVoteReply(reply, now);
        } else if (message instanceof Vote vote) {
            onVote(vote, now);
        } else if (message instanceof VoteReply reply) {
            onVoteReply(reply, now);
        } else if (message instanceof Append append) {
            onAppend(append, now);
        } else if (message instanceof Rebase rebase) {
            onRebase(rebase, now);
        } else if (message instanceof AppendReply reply) {
            onAppendReply(reply, now);
        } else if (message instanceof TimeoutNow) {
            onTimeoutNow(now);
        }
    }

    /**
     * Entries the local journal made durable that the consensus did not write itself: on the
     * primary, every record the api appended and every {@link Proposal}; on a node that has just
     * stopped being primary, appends that raced with its fencing. In index order, each following
     * the last one known; payloads matter only for configuration entries.
     */
    public void localAppended(List<Entry> entries, long now) {
        for (Entry entry : entries) {
            if (entry.index() <= log.lastIndex()) {
                continue;
            }
            log.append(entry.index(), entry.term());
            if (entry.kind() == EntryKind.CONFIGURATION) {
                applyConfigurationEntry(entry.index(), entry.configuration(), now);
            }
            if (role == Role.PRIMARY && entry.term() == term && termStartIndex == 0) {
                termStartIndex = entry.index();
            }
        }
        if (role == Role.PRIMARY) {
            advanceCommit(now);
            for (String member : progress.keySet()) {
                sendAppend(member, now, false);
            }
        }
    }

    /**
     * Retention deleted the journal's entries before {@code firstIndex} (they were committed and
     * applied): the log forgets them. A member that still needs them is sent a {@link Rebase}.
     */
    public void logCompacted(long firstIndex) {
        long base = Math.min(firstIndex - 1, log.lastIndex());
        if (base > log.baseIndex()) {
            log.compactTo(base);
        }
    }

    /** The index of the first entry this log holds (after the base). */
    public long firstIndex() {
        return log.firstIndex();
    }

    /**
     * A read that must reflect every write acknowledged before it (ReadIndex). Answered through a
     * {@link ReadState} in a later (or this) drain; refused at once where this node is not primary.
     */
    public void readIndex(long requestId, long now) {
        if (role != Role.PRIMARY) {
            readStates.add(new ReadState(requestId, -1));
            return;
        }
        if (termStartIndex == 0 || commitIndex < termStartIndex) {
            reads.waitForTermCommit(requestId);
            return;
        }
        confirmRead(requestId, now);
    }

    /**
     * Hands the primary role to {@code target}, a voter, as soon as its log has caught up (within an
     * election timeout, else the transfer is abandoned). New writes pause meanwhile
     * ({@link Leadership} reports the primary as not writable). False if this node is not primary
     * or {@code target} is not another voter.
     */
    public boolean transferLeadership(String target, long now) {
        if (role != Role.PRIMARY || target.equals(id) || !configuration().isVoter(target) || !progress.containsKey(target)) {
            return false;
        }
        transferTarget = target;
        transferDeadline = now + settings.electionTimeoutMs();
        reportLeadership();
        if (progress.get(target).match == log.lastIndex()) {
            messages.add(new TimeoutNow(id, target, term));
        } else {
            sendAppend(target, now, true);
        }
        return true;
    }

    /**
     * A drained node stops campaigning (its election timer, a primary's transfer to it): it goes on
     * voting and replicating, so a majority without it still elects, and it never takes the primary
     * role back while traffic is being drained from it. Safety does not depend on it: a node that
     * never campaigns only removes candidates.
     */
    public void setCampaigning(boolean on, long now) {
        if (on && !campaigning) {
            electionDeadline = randomElectionDeadline(now);
        }
        campaigning = on;
    }

    public boolean isCampaigning() {
        return campaigning;
    }

    /**
     * The drain's hand-over: transfers the primary role to the most caught-up other voter even if it
     * still lacks entries (the transfer catches it up first, pausing writes, within an election
     * timeout). Returns that voter, or null when this node is not primary or has no other voter.
     */
    public String handOver(long now) {
        if (role != Role.PRIMARY) {
            return null;
        }
        String best = mostCaughtUpVoter();
        if (best == null) {
            return null;
        }
        return transferLeadership(best, now) ? best : null;
    }

    private String mostCaughtUpVoter() {
        String best = null;
        for (Map.Entry<String, Progress> member : progress.entrySet()) {
            if (!configuration().isVoter(member.getKey())) {
                continue;
            }
            Progress candidate = member.getValue();
            if (best == null || candidate.match > progress.get(best).match
                    || (candidate.match == progress.get(best).match
                            && configuration().priorityOf(member.getKey()) > configuration().priorityOf(best))) {
                best = member.getKey();
            }
        }
        return best;
    }

    /**
     * The operator's demote: hands over to the most caught-up voter (highest priority among equals)
     * if one has the whole log; otherwise, only with {@code force}, steps down and lets the others
     * elect whoever can win. Returns the voter the role goes to, {@code ""} when it stepped down
     * with none, or null when it did nothing (not primary, or nobody caught up without force).
     */
    public String demote(boolean force, long now) {
        if (role != Role.PRIMARY) {
            return null;
        }
        String best = mostCaughtUpVoter();
        if (best != null && progress.get(best).match == log.lastIndex()) {
            transferLeadership(best, now);
            return best;
        }
        if (!force) {
            return null;
        }
        becomeReplica(term, null, now);
        // Give the others the first chance: this node would otherwise likely win again.
        electionDeadline = now + 2 * settings.electionTimeoutMs() + random.nextLong(settings.electionTimeoutMs());
        return "";
    }

    /**
     * Proposes the next configuration: exactly one member added (as a learner or voter), removed,
     * or turned from learner into voter. Refused (false) unless this node is primary, has committed
     * an entry of its term (Ongaro's fix to single-server changes), no other change is still
     * uncommitted, and the new configuration has at least W voters.
     */
    public boolean proposeConfiguration(ClusterConfiguration next) {
        if (configurationRefusal(next) != null) {
            return false;
        }
        proposals.add(new Proposal(EntryKind.CONFIGURATION, next.encode()));
        proposedConfiguration = next;
        proposedConfigurationAt = -1;
        return true;
    }

    /** Why {@link #proposeConfiguration} would refuse {@code next} now, or null if it would take it. */
    public String configurationRefusal(ClusterConfiguration next) {
        if (role != Role.PRIMARY) {
            return primaryId == null ? "this node is not the primary and knows of none" : "this node is not the primary ("
                    + primaryId + " is)";
        }
        if (termStartIndex == 0 || commitIndex < termStartIndex) {
            return "the primary has not committed an entry of its term yet; try again in a moment";
        }
        if (configurations.currentIndex() > committedFloor() || proposedConfiguration != null) {
            return "another membership change is still being committed; try again once it is";
        }
        int changes = next.changesFrom(configuration());
        if (changes == 0) {
            return "the configuration already is " + next;
        }
        if (changes != 1) {
            return "one member is added, removed or promoted at a time";
        }
        if (next.voters().size() < settings.writeQuorum()) {
            return "the change would leave " + next.voters().size() + " voters, fewer than the replication factor "
                    + settings.writeQuorum();
        }
        return null;
    }

    /**
     * A learner whose log holds everything committed becomes a voter: proposed by the primary
     * itself, one at a time, only when no other change is under way.
     */
    private void promoteCaughtUpLearner() {
        ClusterConfiguration current = configuration();
        for (String learner : current.learners().keySet()) {
            Progress p = progress.get(learner);
            if (p != null && p.match > 0 && p.match >= commitIndex) {
                proposeConfiguration(current.withVoter(learner, current.priorityOf(learner)));
                return;
            }
        }
    }

    /**
     * Membership (SWIM) reports {@code member} dead. A replica whose primary it is campaigns at
     * once instead of waiting out its timeout, and stops deferring to that primary's lease, so it
     * can vote for another right away. SWIM's view never decides anything else here.
     */
    public void memberDown(String member, long now) {
        if (member.equals(primaryId) && role != Role.PRIMARY) {
            primarySuspectedDead = true;
            if (isVoter()) {
                electionDeadline = Math.min(electionDeadline, now);
            }
        }
    }

    /** Takes out everything buffered since the last drain, to be done in the order {@link ConsensusOutput} gives. */
    public ConsensusOutput drain() {
        Leadership leadership = leadershipToReport;
        leadershipToReport = null;
        ConsensusOutput output = new ConsensusOutput(hardStateToPersist, logWrites, messages, proposals, commitIndex,
                leadership, readStates);
        hardStateToPersist = null;
        logWrites.clear();
        messages.clear();
        proposals.clear();
        readStates.clear();
        return output;
    }

    // ---------------------------------------------------------------------------------------------
    // Views

    public String id() {
        return id;
    }

    public long term() {
        return term;
    }

    public Role role() {
        return role;
    }

    /** The primary this node follows (itself if primary), or null. */
    public String primaryId() {
        return primaryId;
    }

    public long commitIndex() {
        return commitIndex;
    }

    public long lastIndex() {
        return log.lastIndex();
    }

    public long lastTerm() {
        return log.lastTerm();
    }

    public long termAt(long index) {
        return log.termAt(index);
    }

    public ClusterConfiguration configuration() {
        return configurations.current();
    }

    /** On the primary, each member's highest index known to match; empty elsewhere. */
    public Map<String, Long> matchIndexes() {
        Map<String, Long> matches = new TreeMap<>();
        if (role == Role.PRIMARY) {
            matches.put(id, log.lastIndex());
            progress.forEach((member, p) -> matches.put(member, p.match));
        }
        return matches;
    }

    /** On the primary, when (its clock) each member last answered in this term. */
    public Map<String, Long> lastHeard() {
        Map<String, Long> heard = new TreeMap<>();
        progress.forEach((member, p) -> heard.put(member, p.lastHeardAt));
        return heard;
    }

    /** On the primary, the index of its term's first entry once its journal holds it; 0 otherwise. */
    public long termStartIndex() {
        return role == Role.PRIMARY ? termStartIndex : 0;
    }

    public boolean isWritable() {
        return role == Role.PRIMARY && transferTarget == null;
    }

    // ---------------------------------------------------------------------------------------------
    // Terms

    /**
     * A message from a higher term: adopt it (as a replica, with no vote yet), unless the rules say
     * to leave it: a pre-vote and a granted pre-vote reply carry a term nobody is in yet, and a vote
     * request is ignored while this node still hears from a working primary (check-quorum's lease,
     * so a node that was cut off cannot depose it). Returns whether to go on handling the message.
     */
    private boolean adoptTermOf(ConsensusMessage message, long now) {
        if (message instanceof PreVote) {
            return true;
        }
        if (message instanceof PreVoteReply reply && reply.granted()) {
            return true;
        }
        if (message instanceof Vote vote && !vote.transfer() && inLease(now)) {
            return false;
        }
        String primary = message instanceof Append || message instanceof Rebase || message instanceof TimeoutNow
                ? message.from() : null;
        boolean wasCampaigningOrPrimary = role == Role.PRIMARY || role == Role.CANDIDATE || role == Role.PRE_CANDIDATE;
        long deadline = electionDeadline;
        becomeReplica(message.term(), primary, now);
        if (primary == null && !wasCampaigningOrPrimary) {
            // Merely learning of a higher term does not put off this node's own campaign (only a
            // primary's Append, a granted vote or its own campaign do, §5.2): else a candidate
            // whose log is too old to win would, by campaigning again and again, keep the one
            // that could win from ever timing out.
            electionDeadline = deadline;
        }
        return true;
    }

    /** A message from a lower term: tell a deposed primary or a stale candidate the current term. */
    private void answerStale(ConsensusMessage message) {
        // Replies to an older term's requests, and a stale transfer, need nothing.
        if (message instanceof Append append) {
            messages.add(new AppendReply(id, append.from(), term, false, append.prevIndex(), log.lastIndex(), 0,
                    configuration().priorityOf(id)));
        } else if (message instanceof Rebase rebase) {
            messages.add(new AppendReply(id, rebase.from(), term, false, rebase.baseIndex(), log.lastIndex(), 0,
                    configuration().priorityOf(id)));
        } else if (message instanceof PreVote preVote) {
            messages.add(new PreVoteReply(id, preVote.from(), term, false));
        } else if (message instanceof Vote vote) {
            messages.add(new VoteReply(id, vote.from(), term, false));
        }
    }

    private boolean inLease(long now) {
        if (primarySuspectedDead) {
            return false;
        }
        if (role == Role.PRIMARY) {
            return true;
        }
        return primaryId != null && now - leaseRenewedAt < settings.electionTimeoutMs();
    }

    // ---------------------------------------------------------------------------------------------
    // Elections

    private void startPreVote(long now) {
        role = Role.PRE_CANDIDATE;
        primaryId = null;
        granted.clear();
        refused.clear();
        granted.add(id);
        electionDeadline = randomElectionDeadline(now);
        reportLeadership();
        for (String voter : configuration().voters().keySet()) {
            if (!voter.equals(id)) {
                messages.add(new PreVote(id, voter, term + 1, log.lastIndex(), log.lastTerm(), configuration().priorityOf(id)));
            }
        }
        tallyPreVotes(now);
    }

    private void onPreVote(PreVote request, long now) {
        boolean upToDate = log.isUpToDate(request.lastIndex(), request.lastTerm());
        boolean grant = request.term() > term && upToDate && !inLease(now) && role != Role.PRIMARY;
        if (grant && yieldsByPriority(request)) {
            // Election priority breaks the tie: this node's log is just as complete and its priority
            // higher, so it campaigns itself instead of helping a lower-priority one win.
            grant = false;
            electionDeadline = Math.min(electionDeadline, now);
        }
        messages.add(new PreVoteReply(id, request.from(), grant ? request.term() : term, grant));
    }

    private boolean yieldsByPriority(PreVote request) {
        return isVoter() && configuration().priorityOf(id) > request.priority()
                && request.lastTerm() == log.lastTerm() && request.lastIndex() == log.lastIndex();
    }

    private void onPreVoteReply(PreVoteReply reply, long now) {
        if (role != Role.PRE_CANDIDATE) {
            return;
        }
        if (reply.granted() && reply.term() == term + 1) {
            granted.add(reply.from());
        } else if (!reply.granted()) {
            refused.add(reply.from());
        }
        tallyPreVotes(now);
    }

    private void tallyPreVotes(long now) {
        switch (tally()) {
            case WON -> startElection(now, false);
            case LOST -> becomeReplica(term, null, now);
            case PENDING -> { }
        }
    }

    private void startElection(long now, boolean transfer) {
        role = Role.CANDIDATE;
        primaryId = null;
        term++;
        votedFor = id;
        persistHardState();
        granted.clear();
        refused.clear();
        granted.add(id);
        electionDeadline = randomElectionDeadline(now);
        reportLeadership();
        for (String voter : configuration().voters().keySet()) {
            if (!voter.equals(id)) {
                messages.add(new Vote(id, voter, term, log.lastIndex(), log.lastTerm(), transfer));
            }
        }
        tallyVotes(now);
    }

    private void onVote(Vote request, long now) {
        boolean canVote = votedFor == null || votedFor.equals(request.from());
        boolean grant = canVote && role != Role.PRIMARY && log.isUpToDate(request.lastIndex(), request.lastTerm());
        if (grant) {
            votedFor = request.from();
            persistHardState();
            // Granting a vote, like hearing from a primary, puts off this node's own campaign.
            electionDeadline = randomElectionDeadline(now);
        }
        messages.add(new VoteReply(id, request.from(), term, grant));
    }

    private void onVoteReply(VoteReply reply, long now) {
        if (role != Role.CANDIDATE) {
            return;
        }
        (reply.granted() ? granted : refused).add(reply.from());
        tallyVotes(now);
    }

    private void tallyVotes(long now) {
        switch (tally()) {
            case WON -> becomePrimary(now);
            case LOST -> becomeReplica(term, null, now);
            case PENDING -> { }
        }
    }

    private Quorum.Outcome tally() {
        Set<String> voters = configuration().voters().keySet();
        return Quorum.tally(granted, refused, voters, Quorum.electionQuorum(voters.size(), settings.writeQuorum()));
    }

    private void onTimeoutNow(long now) {
        if (isVoter() && role != Role.PRIMARY && campaigning) {
            startElection(now, true);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Roles

    private void becomeReplica(long newTerm, String primary, long now) {
        boolean wasPrimary = role == Role.PRIMARY;
        if (newTerm > term) {
            term = newTerm;
            votedFor = null;
            persistHardState();
        }
        role = isVoter() ? Role.REPLICA : Role.LEARNER;
        primaryId = primary;
        if (primary != null) {
            leaseRenewedAt = now;
            primarySuspectedDead = false;
        }
        electionDeadline = randomElectionDeadline(now);
        if (wasPrimary) {
            progress.clear();
            transferTarget = null;
            proposedConfiguration = null;
            termStartIndex = 0;
            readStates.addAll(reads.failAll());
        }
        reportLeadership();
    }

    private void becomePrimary(long now) {
        role = Role.PRIMARY;
        primaryId = id;
        termStartIndex = 0;
        transferTarget = null;
        proposedConfiguration = null;
        leaseRenewedAt = now;
        nextCheckQuorumAt = now + settings.electionTimeoutMs();
        progress.clear();
        for (String member : configuration().members()) {
            if (!member.equals(id)) {
                // A fresh primary gives everyone one election timeout to answer (check-quorum).
                progress.put(member, new Progress(log.lastIndex() + 1, now));
            }
        }
        for (String member : configurations.previous().members()) {
            if (!member.equals(id) && !configuration().isMember(member)) {
                // Removed by the newest configuration: it still gets the log up to that entry.
                Progress departing = new Progress(log.lastIndex() + 1, now);
                departing.departsAt = configurations.currentIndex();
                progress.put(member, departing);
            }
        }
        reportLeadership();
        proposals.add(new Proposal(EntryKind.NOOP, new byte[0]));
        for (String member : progress.keySet()) {
            sendAppend(member, now, true);
        }
        advanceCommit(now);
    }

    private void reportLeadership() {
        Leadership now = new Leadership(term, role, primaryId, isWritable());
        if (!now.equals(reportedLeadership)) {
            reportedLeadership = now;
            leadershipToReport = now;
        }
    }

    private boolean isVoter() {
        return configuration().isVoter(id);
    }

    private long randomElectionDeadline(long now) {
        long timeout = settings.electionTimeoutMs();
        // Higher priorities campaign first: a lower one waits a quarter timeout per step below the top.
        int below = Math.max(0, configuration().highestVoterPriority() - configuration().priorityOf(id));
        long priorityDelay = Math.min(timeout, below * (timeout / 4));
        return now + timeout + random.nextLong(timeout) + priorityDelay;
    }

    private void persistHardState() {
        hardStateToPersist = new HardState(term, votedFor);
    }

    // ---------------------------------------------------------------------------------------------
    // Replication: the replica's side

    private void onAppend(Append append, long now) {
        if (role == Role.PRIMARY) {
            throw new IllegalStateException(id + " is primary of term " + term + " and received an Append of the same term"
                    + " from " + append.from() + ": two primaries in one term");
        }
        if ((role != Role.REPLICA && role != Role.LEARNER) || !append.from().equals(primaryId)) {
            becomeReplica(term, append.from(), now);
        }
        leaseRenewedAt = now;
        primarySuspectedDead = false;
        electionDeadline = randomElectionDeadline(now);
        int priority = configuration().priorityOf(id);

        if (append.prevIndex() > log.lastIndex()) {
            messages.add(new AppendReply(id, append.from(), term, false, append.prevIndex(), log.lastIndex(), append.readRound(),
                    priority));
            return;
        }
        if (append.prevIndex() >= log.baseIndex() && log.termAt(append.prevIndex()) != append.prevTerm()) {
            // Skip the whole conflicting term in one round trip (thesis §5.3's optimization).
            long hint = Math.max(commitIndex, log.firstIndexOfTermAt(append.prevIndex()) - 1);
            messages.add(new AppendReply(id, append.from(), term, false, append.prevIndex(), Math.min(hint,
                    append.prevIndex() - 1), append.readRound(), priority));
            return;
        }
        List<Entry> toWrite = new ArrayList<>();
        for (Entry entry : append.entries()) {
            if (!toWrite.isEmpty()) {
                toWrite.add(entry);
                continue;
            }
            if (entry.index() <= log.baseIndex()) {
                continue;
            }
            if (entry.index() <= log.lastIndex()) {
                if (log.termAt(entry.index()) == entry.term()) {
                    continue; // already here (a repeated or reordered Append)
                }
                if (entry.index() <= commitIndex) {
                    throw new IllegalStateException(id + " was asked to replace committed entry " + entry.index()
                            + " (term " + log.termAt(entry.index()) + ") by one of term " + entry.term());
                }
            }
            toWrite.add(entry);
        }
        if (!toWrite.isEmpty()) {
            long from = toWrite.get(0).index();
            log.truncateFrom(from);
            configurations.truncateFrom(from);
            for (Entry entry : toWrite) {
                log.append(entry.index(), entry.term());
                if (entry.kind() == EntryKind.CONFIGURATION) {
                    applyConfigurationEntry(entry.index(), entry.configuration(), now);
                }
            }
            // The entries replace whatever the journal holds from their first index on.
            logWrites.add(new LogWrite(from, toWrite));
        }
        long lastVerified = append.prevIndex() + append.entries().size();
        long newCommit = Math.min(append.commitIndex(), lastVerified);
        if (newCommit > commitIndex) {
            commitIndex = newCommit;
        }
        // On success the hint is this log's last index: a primary whose appends were lost sees the gap.
        messages.add(new AppendReply(id, append.from(), term, true, lastVerified, log.lastIndex(), append.readRound(), priority));
    }

    /** The highest index this node knows to be committed: its commit index, or its log's base (committed when cut). */
    private long committedFloor() {
        return Math.max(commitIndex, log.baseIndex());
    }

    /**
     * The primary no longer holds what this log lacks: unless this node already holds the base
     * (it is committed here), it drops its log — handing over what it held beyond its commit
     * index, never committed — and continues after the base, committed.
     */
    private void onRebase(Rebase rebase, long now) {
        if (role == Role.PRIMARY) {
            throw new IllegalStateException(id + " is primary of term " + term + " and received a Rebase of the same term"
                    + " from " + rebase.from() + ": two primaries in one term");
        }
        if ((role != Role.REPLICA && role != Role.LEARNER) || !rebase.from().equals(primaryId)) {
            becomeReplica(term, rebase.from(), now);
        }
        leaseRenewedAt = now;
        primarySuspectedDead = false;
        electionDeadline = randomElectionDeadline(now);
        int priority = configuration().priorityOf(id);
        long floor = committedFloor();
        if (rebase.baseIndex() <= floor) {
            messages.add(new AppendReply(id, rebase.from(), term, true, floor, log.lastIndex(), 0, priority));
            return;
        }
        long handOverFrom = floor + 1;
        log.rebase(rebase.baseIndex(), rebase.baseTerm());
        configurations.rebase(rebase.baseIndex(), rebase.configuration());
        commitIndex = rebase.baseIndex();
        logWrites.add(LogWrite.rebase(handOverFrom, rebase.baseIndex(), rebase.baseTerm(), rebase.configuration()));
        ClusterConfiguration inForce = rebase.configuration();
        role = inForce.isVoter(id) ? Role.REPLICA : Role.LEARNER;
        reportLeadership();
        messages.add(new AppendReply(id, rebase.from(), term, true, rebase.baseIndex(), log.lastIndex(), 0,
                inForce.priorityOf(id)));
    }

    // ---------------------------------------------------------------------------------------------
    // Replication: the primary's side

    private void tickPrimary(long now) {
        if (now >= nextCheckQuorumAt) {
            nextCheckQuorumAt = now + settings.electionTimeoutMs();
            if (!hearsFromWriteQuorum(now)) {
                // It could not commit anything, and the others may be electing a new primary.
                becomeReplica(term, null, now);
                return;
            }
            leaseRenewedAt = now;
        }
        if (transferTarget != null && now >= transferDeadline) {
            transferTarget = null;
            reportLeadership();
        }
        if (transferTarget == null) {
            handOverToHigherPriority(now);
        }
        if (proposedConfiguration != null) {
            if (proposedConfigurationAt < 0) {
                proposedConfigurationAt = now;
            } else if (now - proposedConfigurationAt > 2 * settings.electionTimeoutMs()) {
                proposedConfiguration = null;
            }
        }
        if (settings.promoteLearners() && !configuration().learners().isEmpty()) {
            promoteCaughtUpLearner();
        }
        for (Map.Entry<String, Progress> member : progress.entrySet()) {
            Progress p = member.getValue();
            if (!p.probing && !p.inflight.isEmpty() && now - p.lastProgressAt >= STALLED_HEARTBEATS * settings.heartbeatMs()) {
                // Appends were lost (or their answers): send again from what is known to match.
                p.probeFrom(p.match + 1);
            }
            if (now - p.lastSentAt >= settings.heartbeatMs()) {
                sendAppend(member.getKey(), now, true);
            }
        }
    }

    private boolean hearsFromWriteQuorum(long now) {
        int heard = configuration().isVoter(id) ? 1 : 0;
        for (Map.Entry<String, Progress> member : progress.entrySet()) {
            if (configuration().isVoter(member.getKey()) && now - member.getValue().lastHeardAt < settings.electionTimeoutMs()) {
                heard++;
            }
        }
        return heard >= Math.min(settings.writeQuorum(), configuration().voters().size());
    }

    /** A caught-up, answering voter of higher priority than this primary gets the role. */
    private void handOverToHigherPriority(long now) {
        int mine = configuration().priorityOf(id);
        for (Map.Entry<String, Progress> member : progress.entrySet()) {
            String candidate = member.getKey();
            Progress p = member.getValue();
            if (configuration().isVoter(candidate) && configuration().priorityOf(candidate) > mine
                    && p.match == log.lastIndex() && now - p.lastHeardAt < settings.heartbeatMs() * 2) {
                transferLeadership(candidate, now);
                return;
            }
        }
    }

    /**
     * Sends {@code member} what it lacks, within the flow control; with {@code heartbeat}, an empty
     * Append too when there is nothing to send or no room (it carries the commit index and keeps the
     * member from campaigning).
     */
    private void sendAppend(String member, long now, boolean heartbeat) {
        Progress p = progress.get(member);
        if (p == null) {
            return;
        }
        if (settings.rebaseMembers() && (!log.knowsTermAt(p.next - 1) || p.next - 1 < log.baseIndex())) {
            sendRebase(member, p, now, heartbeat);
            return;
        }
        boolean room = p.probing ? !p.probeOutstanding || now - p.lastSentAt >= settings.heartbeatMs()
                : p.inflight.size() < settings.maxInflightAppends();
        long prevIndex = p.next - 1;
        long prevTerm = log.termAt(prevIndex);
        List<Entry> entries = List.of();
        if (room && p.next <= log.lastIndex() && prevTerm >= 0) {
            entries = store.entries(p.next, log.lastIndex(), settings.maxEntriesPerAppend());
        }
        if (!entries.isEmpty()) {
            messages.add(new Append(id, member, term, prevIndex, prevTerm, entries, commitIndex, reads.round()));
            p.lastSentAt = now;
            long last = entries.get(entries.size() - 1).index();
            if (p.probing) {
                p.probeOutstanding = true;
            } else {
                p.inflight.addLast(last);
                p.next = last + 1;
            }
            return;
        }
        if (!heartbeat) {
            return;
        }
        if (p.probing && room && prevTerm >= 0) {
            // A probe: does the member hold (next - 1)? Its answer says where the two logs part.
            messages.add(new Append(id, member, term, prevIndex, prevTerm, List.of(), commitIndex, reads.round()));
            p.probeOutstanding = true;
        } else {
            // A heartbeat at the index known to match always passes the consistency check.
            messages.add(new Append(id, member, term, p.match, log.termAt(p.match), List.of(), commitIndex, reads.round()));
        }
        p.lastSentAt = now;
    }

    /**
     * The member needs entries this log no longer holds (retention deleted them, or a restart lost
     * the base's term): it is told to continue after the lowest committed entry whose term this
     * log knows, one probe at a time, again every heartbeat until it answers. Where that is the entry
     * after a base of unknown term and the primary has not committed it yet, a heartbeat instead:
     * it keeps the member from campaigning, and brings back a higher term the member may have reached.
     */
    private void sendRebase(String member, Progress p, long now, boolean heartbeat) {
        long base = log.knowsTermAt(log.baseIndex()) ? log.baseIndex() : log.baseIndex() + 1;
        // The log's base was applied here before retention cut it, so it is committed even when this
        // primary, just restarted, has not learnt its commit index yet (its commit may need the member).
        if (base > committedFloor() || base > log.lastIndex()) {
            if (heartbeat) {
                messages.add(new Append(id, member, term, p.match, log.termAt(p.match), List.of(), commitIndex, reads.round()));
                p.lastSentAt = now;
            }
            return;
        }
        if (!p.probing) {
            p.probeFrom(p.next);
        }
        if (p.probeOutstanding && now - p.lastSentAt < settings.heartbeatMs()) {
            return;
        }
        messages.add(new Rebase(id, member, term, base, log.termAt(base), configurations.at(base), commitIndex));
        p.probeOutstanding = true;
        p.lastSentAt = now;
    }

    private void onAppendReply(AppendReply reply, long now) {
        if (role != Role.PRIMARY) {
            return;
        }
        Progress p = progress.get(reply.from());
        if (p == null) {
            return;
        }
        p.lastHeardAt = now;
        p.priority = reply.priority();
        if (reply.success()) {
            p.matched(reply.matchIndex(), now);
            if (p.departsAt > 0 && p.match >= p.departsAt) {
                progress.remove(reply.from());
                return;
            }
            if (p.probing && reply.matchIndex() >= p.next - 1) {
                p.replicate(now);
            } else if (p.probing) {
                p.probeOutstanding = false;
            } else {
                p.next = Math.max(p.next, p.match + 1);
                if (reply.hintIndex() < p.next - 1 && !p.inflight.isEmpty()
                        && now - p.lastProgressAt >= settings.heartbeatMs()) {
                    // The member's log ends before what was sent a heartbeat ago: those appends
                    // (or their answers) were lost. Send again from what it holds.
                    p.probeFrom(p.match + 1);
                }
            }
            advanceCommit(now);
        } else if (reply.matchIndex() >= p.match) {
            // The member's log does not hold (prevIndex, prevTerm): look further back.
            p.probeFrom(Math.min(reply.matchIndex(), reply.hintIndex() + 1));
        }
        if (reply.readRound() > 0) {
            readStates.addAll(reads.acknowledge(reply.from(), reply.readRound(), configuration().voters().keySet(),
                    votersOfAnyPendingChange(), settings.writeQuorum()));
        }
        if (role == Role.PRIMARY) {
            if (reply.from().equals(transferTarget) && p.match == log.lastIndex()) {
                messages.add(new TimeoutNow(id, transferTarget, term));
            }
            sendAppend(reply.from(), now, false);
        }
    }

    /**
     * The commit rule: the highest index of this term held by W voters (and, while a configuration
     * change is uncommitted, by W of the previous voters too). The primary's own copy counts once its
     * journal has made it durable ({@link #localAppended}).
     */
    private void advanceCommit(long now) {
        if (role != Role.PRIMARY) {
            return;
        }
        Map<String, Long> matches = matchIndexes();
        int w = settings.writeQuorum();
        long candidate = Quorum.quorumIndex(matches, configuration().voters().keySet(), w);
        if (configurations.currentIndex() > committedFloor()) {
            candidate = Math.min(candidate, Quorum.quorumIndex(matches, configurations.previous().voters().keySet(), w));
        }
        if (candidate <= commitIndex || log.termAt(candidate) != term) {
            return;
        }
        commitIndex = candidate;
        if (termStartIndex != 0 && commitIndex >= termStartIndex) {
            for (long waiting : reads.takeWaiting()) {
                confirmRead(waiting, now);
            }
        }
        if (!configuration().isVoter(id) && configurations.currentIndex() <= committedFloor()) {
            // Removed from the voters, and the change is committed: leave the role to the others.
            becomeReplica(term, null, now);
        }
    }

    private void confirmRead(long requestId, long now) {
        long round = reads.start(requestId, commitIndex, id);
        readStates.addAll(reads.acknowledge(id, round, configuration().voters().keySet(), votersOfAnyPendingChange(),
                settings.writeQuorum()));
        if (reads.hasPending()) {
            for (String member : progress.keySet()) {
                if (configuration().isVoter(member) || votersOfAnyPendingChange().contains(member)) {
                    Progress p = progress.get(member);
                    messages.add(new Append(id, member, term, p.match, log.termAt(p.match), List.of(), commitIndex, round));
                    p.lastSentAt = now;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Configuration

    /** The previous voters while the newest configuration is not committed; else the current ones. */
    private Set<String> votersOfAnyPendingChange() {
        return configurations.currentIndex() > committedFloor() ? configurations.previous().voters().keySet()
                : configuration().voters().keySet();
    }

    private void applyConfigurationEntry(long index, ClusterConfiguration next, long now) {
        configurations.add(index, next);
        proposedConfiguration = null;
        if (role == Role.PRIMARY) {
            for (String member : next.members()) {
                if (!member.equals(id) && !progress.containsKey(member)) {
                    progress.put(member, new Progress(log.lastIndex() + 1, now));
                }
            }
            // A member just removed keeps receiving the log until it holds this entry: it learns it
            // is out (and stops campaigning), and the records of any divergent suffix it had are
            // cut and handed over like any replica's, instead of being stranded on it.
            for (Map.Entry<String, Progress> member : progress.entrySet()) {
                if (!next.isMember(member.getKey())) {
                    member.getValue().departsAt = index;
                }
            }
        } else {
            role = next.isVoter(id) ? (role == Role.LEARNER ? Role.REPLICA : role) : Role.LEARNER;
            reportLeadership();
        }
    }
}
