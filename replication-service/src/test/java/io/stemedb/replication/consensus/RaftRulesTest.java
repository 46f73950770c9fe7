package io.stemedb.replication.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.replication.consensus.ConsensusMessage.Append;
import io.stemedb.replication.consensus.ConsensusMessage.AppendReply;
import io.stemedb.replication.consensus.ConsensusMessage.PreVote;
import io.stemedb.replication.consensus.ConsensusMessage.Vote;
import io.stemedb.replication.consensus.ConsensusMessage.VoteReply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of the Raft paper (Ongaro and Ousterhout 2014; "§x" are its sections), of
 * Ongaro's thesis ("thesis §x") and of StemeDB's own additions (flexible quorums, priorities), each
 * named after the rule it pins and driven by hand ({@link Harness}).
 */
class RaftRulesTest {

    private static final ConsensusSettings NO_PRE_VOTE = new ConsensusSettings(2, 1000, 100, 64, 4, false);

    // §5.1 -----------------------------------------------------------------------------------------

    @Test
    void section5_1_aPrimaryThatSeesAHigherTermStepsDownAndAdoptsIt() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        assertThat(cluster.node("a").role()).isEqualTo(Role.PRIMARY);
        long term = cluster.node("a").term();

        cluster.node("a").receive(new AppendReply("b", "a", term + 5, false, 0, 0, 0, 1), cluster.now);
        cluster.apply("a");

        assertThat(cluster.node("a").role()).isEqualTo(Role.REPLICA);
        assertThat(cluster.node("a").term()).isEqualTo(term + 5);
        assertThat(cluster.hardStates.get("a")).isEqualTo(new HardState(term + 5, null));
    }

    @Test
    void section5_1_aRequestFromAStaleTermIsRefusedWithTheCurrentTerm() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        long term = cluster.node("b").term();

        cluster.node("b").receive(new Append("c", "b", term - 1, 0, 0, List.of(), 0, 0), cluster.now);
        cluster.apply("b");

        AppendReply reply = (AppendReply) cluster.inFlight.get(cluster.inFlight.size() - 1);
        assertThat(reply.success()).isFalse();
        assertThat(reply.term()).isEqualTo(term);
    }

    // §5.2 -----------------------------------------------------------------------------------------

    @Test
    void section5_2_aReplicaThatHearsNothingForAnElectionTimeoutCampaignsInTheNextTermVotingForItself() {
        Harness cluster = new Harness(NO_PRE_VOTE, "a", "b", "c");
        cluster.advance(3 * NO_PRE_VOTE.electionTimeoutMs());
        cluster.tick("a");

        assertThat(cluster.node("a").role()).isEqualTo(Role.CANDIDATE);
        assertThat(cluster.hardStates.get("a")).as("term and vote persisted before the requests go out")
                .isEqualTo(new HardState(1, "a"));
        assertThat(cluster.inFlight).filteredOn(message -> message instanceof Vote).hasSize(2);
    }

    @Test
    void section5_2_aNodeVotesAtMostOncePerTermAndTheVoteSurvivesARestart() {
        Harness cluster = new Harness(NO_PRE_VOTE, "a", "b", "c");
        cluster.node("c").receive(new Vote("a", "c", 1, 0, 0, false), cluster.now);
        cluster.apply("c");
        assertThat(((VoteReply) cluster.inFlight.get(0)).granted()).isTrue();
        assertThat(cluster.hardStates.get("c")).isEqualTo(new HardState(1, "a"));

        cluster.dropAll();
        cluster.start("c"); // a crash: only the disk remains
        cluster.node("c").receive(new Vote("b", "c", 1, 0, 0, false), cluster.now);
        cluster.apply("c");

        assertThat(((VoteReply) cluster.inFlight.get(0)).granted()).as("a second vote in term 1, after a restart").isFalse();
    }

    @Test
    void section5_2_aCandidateWithAnElectionQuorumOfVotesBecomesPrimaryAndAppendsItsTermsFirstEntry() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.advance(3000);
        cluster.tick("a");
        cluster.deliver(Harness.between("a", "b")); // c is unreachable: a and b are an election quorum of 3

        assertThat(cluster.node("a").role()).isEqualTo(Role.PRIMARY);
        assertThat(cluster.journals.get("a").lastEntry().getValue().kind()).isEqualTo(EntryKind.NOOP);
        assertThat(cluster.leadership.get("b").primaryId()).isEqualTo("a");
    }

    // §5.3 -----------------------------------------------------------------------------------------

    @Test
    void section5_3_aReplicaRefusesAnAppendWhosePreviousEntryItLacksAndThePrimaryFindsWhereTheLogsPart() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        for (int i = 0; i < 20; i++) {
            cluster.write("a");
        }
        cluster.deliver(Harness.between("a", "b")); // c misses all of it
        assertThat(cluster.journals.get("c").size()).isEqualTo(1); // only the term's no-op

        cluster.advance(200);
        cluster.tick("a");
        cluster.deliverAll();

        assertThat(cluster.journals.get("c")).isEqualTo(cluster.journals.get("a"));
    }

    @Test
    void section5_3_aConflictingUncommittedSuffixIsCutAndReplacedByThePrimarysEntries() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        cluster.deliverAll();
        // a takes writes that reach nobody, then loses the role.
        cluster.write("a");
        cluster.write("a");
        cluster.dropAll();
        cluster.advance(5000);
        cluster.tick("b");
        cluster.deliver(Harness.between("b", "c"));
        assertThat(cluster.node("b").role()).isEqualTo(Role.PRIMARY);
        cluster.write("b");
        cluster.deliver(Harness.between("b", "c"));

        cluster.advance(200);
        cluster.tick("b");
        cluster.deliverAll();

        assertThat(cluster.journals.get("a")).isEqualTo(cluster.journals.get("b"));
        assertThat(cluster.cut.get("a")).as("a's two records were cut (to be handed to b)").hasSize(2)
                .allMatch(entry -> entry.kind() == EntryKind.RECORD);
    }

    // §5.4 -----------------------------------------------------------------------------------------

    @Test
    void section5_4_1_aVoteGoesOnlyToALogAtLeastAsUpToDate() {
        Harness cluster = new Harness(NO_PRE_VOTE, "a", "b", "c");
        cluster.elect("a");
        cluster.write("a");
        cluster.deliverAll();
        long term = cluster.node("b").term();
        cluster.dropAll();
        cluster.advance(2 * NO_PRE_VOTE.electionTimeoutMs()); // b no longer hears from a: no lease

        cluster.node("b").receive(new Vote("c", "b", term + 1, 1, term, false), cluster.now); // c claims a shorter log
        cluster.apply("b");

        VoteReply reply = (VoteReply) cluster.inFlight.stream().filter(m -> m instanceof VoteReply).findFirst().orElseThrow();
        assertThat(reply.granted()).isFalse();
    }

    @Test
    void section5_4_2_anEntryOfAnEarlierTermIsNotCommittedByCountingItsCopies() {
        // Figure 8: a primary of term 4 finds an entry of term 2 on a quorum; it must not commit it
        // until an entry of its own term is on a quorum too.
        Harness cluster = new Harness(2, "a", "b", "c");
        TermRuns runs = new TermRuns();
        runs.append(1, 2);
        ConsensusNode primary = new ConsensusNode("a", cluster.bootstrap, cluster.settings, new java.util.Random(1),
                (from, to, max) -> List.of(new Entry(1, 2, EntryKind.RECORD, new byte[] {1})), new HardState(3, null), runs,
                Map.of(), 0);
        primary.tick(10_000);
        primary.receive(new ConsensusMessage.PreVoteReply("b", "a", 4, true), 10_000);
        primary.receive(new VoteReply("b", "a", 4, true), 10_000);
        assertThat(primary.role()).isEqualTo(Role.PRIMARY);
        assertThat(primary.term()).isEqualTo(4);
        primary.drain(); // its no-op is proposed, not yet durable

        primary.receive(new AppendReply("b", "a", 4, true, 1, 0, 0, 1), 10_001);
        assertThat(primary.commitIndex()).as("entry 1 of term 2 is on a and b, but not committed by counting").isZero();

        primary.localAppended(List.of(new Entry(2, 4, EntryKind.NOOP, new byte[0])), 10_002);
        primary.receive(new AppendReply("b", "a", 4, true, 2, 0, 0, 1), 10_003);
        assertThat(primary.commitIndex()).as("the no-op of its term commits it, and entry 1 with it").isEqualTo(2);
    }

    // §8 -------------------------------------------------------------------------------------------

    @Test
    void section8_aReadIsAnsweredOnlyOnceAWriteQuorumHasConfirmedThePrimary() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        cluster.write("a");
        cluster.deliverAll();

        cluster.node("a").readIndex(7, cluster.now);
        cluster.apply("a");
        assertThat(cluster.reads.get("a")).as("not before anyone confirmed").isEmpty();

        cluster.deliver(Harness.between("a", "b"));
        assertThat(cluster.reads.get("a")).containsExactly(new ReadState(7, cluster.node("a").commitIndex()));
    }

    @Test
    void section8_aReadOnAReplicaIsRefused() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        cluster.node("b").readIndex(3, cluster.now);
        cluster.apply("b");
        assertThat(cluster.reads.get("b")).containsExactly(new ReadState(3, -1));
    }

    // Thesis ---------------------------------------------------------------------------------------

    @Test
    void thesis9_6_aNodeThatWasCutOffDoesNotRaiseItsTermUntilItCouldWin() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        long term = cluster.node("c").term();
        for (int i = 0; i < 5; i++) {
            cluster.advance(3000);
            cluster.tick("c"); // c's pre-votes go nowhere
            cluster.dropAll();
        }
        assertThat(cluster.node("c").term()).isEqualTo(term);
        assertThat(cluster.hardStates.get("c").term()).isEqualTo(term);
    }

    @Test
    void thesis9_6_aReplicaThatHearsFromItsPrimaryRefusesPreVotes() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        long term = cluster.node("b").term();
        cluster.node("b").receive(new PreVote("c", "b", term + 1, 100, term, 1), cluster.now);
        cluster.apply("b");
        assertThat(cluster.inFlight).filteredOn(m -> m instanceof ConsensusMessage.PreVoteReply)
                .allMatch(m -> !((ConsensusMessage.PreVoteReply) m).granted());
    }

    @Test
    void thesis6_2_aPrimaryThatHearsFromFewerThanWVotersForAnElectionTimeoutStepsDown() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        for (int i = 0; i < 15; i++) {
            cluster.advance(100);
            cluster.tick("a");
            cluster.dropAll(); // nobody answers
        }
        assertThat(cluster.node("a").role()).isEqualTo(Role.REPLICA);
        assertThat(cluster.leadership.get("a").writable()).isFalse();
    }

    @Test
    void thesis3_10_aTransferHandsTheRoleToACaughtUpVoterAndPausesWritesMeanwhile() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        cluster.write("a");
        cluster.deliverAll();

        assertThat(cluster.node("a").transferLeadership("c", cluster.now)).isTrue();
        cluster.apply("a");
        assertThat(cluster.leadership.get("a").writable()).as("writes pause during the hand-over").isFalse();
        cluster.deliverAll();

        assertThat(cluster.node("c").role()).isEqualTo(Role.PRIMARY);
        assertThat(cluster.node("a").role()).isEqualTo(Role.REPLICA);
    }

    // StemeDB's own rules ---------------------------------------------------------------------------

    @Test
    void drain_aHandOverGoesToTheMostCaughtUpVoterEvenIfItLacksEntriesAndTheDrainedNodeNeverCampaigns() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        cluster.write("a");
        cluster.deliver(Harness.between("a", "b"));
        cluster.write("a");
        cluster.dropAll(); // b and c lack the newest entry
        cluster.node("a").setCampaigning(false, cluster.now);

        assertThat(cluster.node("a").handOver(cluster.now)).isIn("b", "c");
        for (int i = 0; i < 5; i++) {
            cluster.advance(100); // heartbeats carry the catch-up, within the transfer's election timeout
            cluster.tick("a");
            cluster.deliverAll();
        }
        assertThat(cluster.node("a").role()).isEqualTo(Role.REPLICA);
        String primary = cluster.node("b").role() == Role.PRIMARY ? "b" : "c";
        assertThat(cluster.node(primary).role()).isEqualTo(Role.PRIMARY);

        // The new primary falls silent: b/c campaign, never a.
        for (int i = 0; i < 60; i++) {
            cluster.advance(100);
            cluster.tick("a");
            cluster.dropAll();
        }
        assertThat(cluster.node("a").role()).as("a drained node does not campaign").isEqualTo(Role.REPLICA);
        cluster.node("a").setCampaigning(true, cluster.now);
        for (int i = 0; i < 60 && cluster.node("a").role() == Role.REPLICA; i++) {
            cluster.advance(100);
            cluster.tick("a");
            cluster.dropAll();
        }
        assertThat(cluster.node("a").role()).as("resumed, it campaigns again").isNotEqualTo(Role.REPLICA);
    }

    @Test
    void drain_aPrimaryWithNoOtherVoterHasNobodyToHandOverTo() {
        Harness cluster = new Harness(1, "a");
        cluster.elect("a");
        assertThat(cluster.node("a").handOver(cluster.now)).isNull();
        assertThat(cluster.node("a").role()).isEqualTo(Role.PRIMARY);
        assertThat(cluster.node("a").isCampaigning()).isTrue();
    }

    @Test
    void flexibleQuorums_anIndexCommitsOnWCopiesAndAnElectionNeedsNMinusWPlusOneVotesAtLeastAMajority() {
        assertThat(Quorum.electionQuorum(3, 2)).isEqualTo(2);
        assertThat(Quorum.electionQuorum(5, 3)).isEqualTo(3);
        assertThat(Quorum.electionQuorum(5, 2)).as("W below a majority: bigger elections").isEqualTo(4);
        assertThat(Quorum.electionQuorum(3, 3)).as("any two election quorums must meet").isEqualTo(2);
        assertThat(Quorum.quorumIndex(Map.of("a", 9L, "b", 7L, "c", 3L, "d", 1L, "e", 0L), List.of("a", "b", "c", "d", "e"), 3))
                .isEqualTo(3);

        Harness cluster = new Harness(3, "a", "b", "c", "d", "e");
        cluster.elect("a");
        Entry written = cluster.write("a");
        cluster.deliver(Harness.between("a", "b"));
        assertThat(cluster.node("a").commitIndex()).as("two copies of W = 3").isLessThan(written.index());
        cluster.deliver(message -> true);
        cluster.advance(200);
        cluster.tick("a");
        cluster.deliverAll();
        assertThat(cluster.node("a").commitIndex()).isGreaterThanOrEqualTo(written.index());
    }

    @Test
    void priorities_whoeverCampaignsFirstTheHigherPriorityVoterEndsUpPrimary() {
        Harness cluster = new Harness(new ConsensusSettings(2, 1000, 100, 64, 4, true), Map.of("a", 1, "b", 5, "c", 1));
        cluster.advance(3000);
        cluster.tick("a"); // a times out first (only because the test says so: b's timeout is shorter)
        cluster.deliverAll();
        for (int i = 0; i < 10; i++) {
            cluster.advance(100);
            cluster.nodes.keySet().forEach(cluster::tick);
            cluster.deliverAll();
        }
        assertThat(cluster.node("b").role()).isEqualTo(Role.PRIMARY);
    }

    @Test
    void priorities_aLowerPriorityPrimaryHandsOverToACaughtUpHigherPriorityVoter() {
        Harness cluster = new Harness(new ConsensusSettings(2, 1000, 100, 64, 4, true), Map.of("a", 1, "b", 5, "c", 1));
        cluster.advance(3000);
        cluster.tick("a");
        cluster.deliver(Harness.between("a", "c")); // b is away: a wins with c
        assertThat(cluster.node("a").role()).isEqualTo(Role.PRIMARY);
        cluster.write("a");

        for (int i = 0; i < 5; i++) { // b is back; it catches up and a hands over
            cluster.advance(100);
            cluster.tick("a");
            cluster.deliverAll();
        }
        assertThat(cluster.node("b").role()).isEqualTo(Role.PRIMARY);
        assertThat(cluster.journals.get("b")).isEqualTo(cluster.journals.get("a"));
    }

    @Test
    void membership_whileAChangeIsUncommittedAnIndexCommitsOnlyWithWCopiesInBothConfigurations() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        cluster.deliverAll();
        ClusterConfiguration withD = cluster.node("a").configuration().withVoter("d", 1);
        assertThat(cluster.node("a").proposeConfiguration(withD)).isTrue();
        cluster.apply("a");
        assertThat(cluster.node("a").configuration()).isEqualTo(withD);
        long configIndex = cluster.journals.get("a").lastKey();

        // Only the new member "d" answers (it does not exist here, so no one does): a alone is 1 of 3
        // old voters, so nothing commits however many new voters hold it.
        cluster.dropAll();
        assertThat(cluster.node("a").commitIndex()).isLessThan(configIndex);
        cluster.advance(100);
        cluster.tick("a");
        cluster.deliver(Harness.between("a", "b"));
        assertThat(cluster.node("a").commitIndex()).as("a and b: W of the old voters and W of the new").isEqualTo(configIndex);
    }

    @Test
    void membership_oneChangeAtATimeAndNoneBeforeThePrimaryHasCommittedInItsTerm() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("a");
        ClusterConfiguration twoChanges = cluster.node("a").configuration().withVoter("d", 1).withVoter("e", 1);
        assertThat(cluster.node("a").proposeConfiguration(twoChanges)).isFalse();
        cluster.deliverAll();
        assertThat(cluster.node("a").proposeConfiguration(cluster.node("a").configuration().withLearner("d", 1))).isTrue();
        cluster.apply("a");
        assertThat(cluster.node("a").proposeConfiguration(cluster.node("a").configuration().withLearner("e", 1)))
                .as("the first change is not committed yet").isFalse();
    }

    @Test
    void retention_aMemberThatNeedsEntriesTheJournalNoLongerHoldsIsRebasedAndHandsOverWhatItNeverCommitted() {
        Harness cluster = new Harness(2, "a", "b", "c");
        cluster.elect("c");
        assertThat(cluster.node("c").role()).isEqualTo(Role.PRIMARY);
        Entry orphan = cluster.write("c"); // c's alone: it is cut off before anyone has it
        cluster.dropAll();

        cluster.elect("a");
        cluster.dropAll();
        for (int i = 0; i < 5; i++) {
            cluster.write("a");
        }
        cluster.advance(100);
        cluster.tick("a");
        cluster.deliver(Harness.between("a", "b"));
        long committed = cluster.node("a").commitIndex();
        assertThat(committed).isGreaterThanOrEqualTo(6);
        cluster.compact("a", committed + 1);
        assertThat(cluster.node("a").firstIndex()).isEqualTo(committed + 1);

        // c comes back: what it lacks is gone from a's journal, so it is rebased after a's base.
        for (int round = 0; round < 10; round++) {
            cluster.advance(100);
            cluster.tick("a");
            cluster.deliverAll();
        }
        assertThat(cluster.rebasedTo.get("c")).isEqualTo(committed);
        assertThat(cluster.cut.get("c")).as("its record nobody committed goes to the primary").contains(orphan);
        assertThat(cluster.node("c").commitIndex()).isEqualTo(committed);
        assertThat(cluster.node("c").role()).isEqualTo(Role.REPLICA);
        assertThat(cluster.node("a").matchIndexes().get("c")).isEqualTo(committed);

        Entry next = cluster.write("a");
        cluster.advance(100);
        cluster.tick("a");
        cluster.deliverAll();
        assertThat(cluster.journals.get("c").get(next.index())).as("after the base the log flows again").isEqualTo(next);
        cluster.advance(100);
        cluster.tick("a");
        cluster.deliverAll();
        assertThat(cluster.node("c").commitIndex()).isEqualTo(next.index());
    }
}
