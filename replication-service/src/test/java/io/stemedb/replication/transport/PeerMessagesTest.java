package io.stemedb.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.stemedb.proto.consensus.PeerMessage;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.ConsensusMessage;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.consensus.EntryKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerMessagesTest {

    @Test
    void everyMessageSurvivesTheWireUnchanged() throws Exception {
        Entry record = JournalEntries.fromJournal(WalEntry.newBuilder().setIndex(7).setTerm(3)
                .setType(EntryType.ENTRY_TYPE_VOTE).setPayload(ByteString.copyFromUtf8("vote")).build());
        Entry config = new Entry(8, 3, EntryKind.CONFIGURATION,
                ClusterConfiguration.ofVoters(Map.of("a", 1, "b", 2)).encode());
        List<ConsensusMessage> messages = List.of(
                new ConsensusMessage.PreVote("a", "b", 4, 10, 3, 2),
                new ConsensusMessage.PreVoteReply("b", "a", 4, true),
                new ConsensusMessage.Vote("a", "b", 4, 10, 3, true),
                new ConsensusMessage.VoteReply("b", "a", 4, false),
                new ConsensusMessage.Append("a", "b", 4, 6, 3, List.of(record, config), 5, 9),
                new ConsensusMessage.AppendReply("b", "a", 4, true, 8, 8, 9, 1),
                new ConsensusMessage.Rebase("a", "b", 4, 120, 3, ClusterConfiguration.ofVoters(Map.of("a", 1, "b", 2))
                        .withLearner("c", 1), 130),
                new ConsensusMessage.TimeoutNow("a", "b", 4));
        for (ConsensusMessage message : messages) {
            PeerMessage wire = PeerMessage.parseFrom(PeerMessages.toWire(message).toByteArray());
            assertThat(PeerMessages.fromWire(wire)).isEqualTo(message);
        }
    }

    @Test
    void aRecordKeepsItsJournalTypeThroughTheConsensus() {
        WalEntry original = WalEntry.newBuilder().setIndex(3).setTerm(2).setType(EntryType.ENTRY_TYPE_RETRACTION)
                .setPayload(ByteString.copyFromUtf8("payload")).build();
        Entry entry = JournalEntries.fromJournal(original);
        assertThat(entry.kind()).isEqualTo(EntryKind.RECORD);
        assertThat(JournalEntries.toReplicaWrite(entry).getType()).isEqualTo(EntryType.ENTRY_TYPE_RETRACTION);
        assertThat(JournalEntries.toReplicaWrite(entry).getPayload()).isEqualTo(original.getPayload());
        assertThat(JournalEntries.fromJournal(WalEntry.newBuilder().setIndex(4).setTerm(2).setType(EntryType.ENTRY_TYPE_NOOP)
                .build()).kind()).isEqualTo(EntryKind.NOOP);
    }

    @Test
    void aMessageWithoutABodyIsRefused() {
        assertThatThrownBy(() -> PeerMessages.fromWire(PeerMessage.newBuilder().setFrom("x").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
