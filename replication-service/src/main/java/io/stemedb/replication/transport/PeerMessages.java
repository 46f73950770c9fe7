package io.stemedb.replication.transport;

import com.google.protobuf.ByteString;
import io.stemedb.proto.consensus.Granted;
import io.stemedb.proto.consensus.PeerMessage;
import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.ConsensusMessage;
import io.stemedb.replication.consensus.Entry;
import java.util.ArrayList;
import java.util.List;

/** The consensus's messages to and from their wire form ({@code stemedb_consensus.proto}). */
public final class PeerMessages {

    private PeerMessages() {}

    public static PeerMessage toWire(ConsensusMessage message) {
        PeerMessage.Builder wire = PeerMessage.newBuilder().setFrom(message.from()).setTo(message.to()).setTerm(message.term());
        if (message instanceof ConsensusMessage.PreVote preVote) {
            wire.setPreVote(io.stemedb.proto.consensus.PreVote.newBuilder().setLastIndex(preVote.lastIndex())
                    .setLastTerm(preVote.lastTerm()).setPriority(preVote.priority()));
        } else if (message instanceof ConsensusMessage.PreVoteReply reply) {
            wire.setPreVoteReply(Granted.newBuilder().setGranted(reply.granted()));
        } else if (message instanceof ConsensusMessage.Vote vote) {
            wire.setVote(io.stemedb.proto.consensus.Vote.newBuilder().setLastIndex(vote.lastIndex())
                    .setLastTerm(vote.lastTerm()).setTransfer(vote.transfer()));
        } else if (message instanceof ConsensusMessage.VoteReply reply) {
            wire.setVoteReply(Granted.newBuilder().setGranted(reply.granted()));
        } else if (message instanceof ConsensusMessage.Append append) {
            io.stemedb.proto.consensus.Append.Builder body = io.stemedb.proto.consensus.Append.newBuilder()
                    .setPrevIndex(append.prevIndex()).setPrevTerm(append.prevTerm())
                    .setCommitIndex(append.commitIndex()).setReadRound(append.readRound());
            for (Entry entry : append.entries()) {
                body.addEntries(JournalEntries.toWire(entry));
            }
            wire.setAppend(body);
        } else if (message instanceof ConsensusMessage.AppendReply reply) {
            wire.setAppendReply(io.stemedb.proto.consensus.AppendReply.newBuilder().setSuccess(reply.success())
                    .setMatchIndex(reply.matchIndex()).setHintIndex(reply.hintIndex()).setReadRound(reply.readRound())
                    .setPriority(reply.priority()));
        } else if (message instanceof ConsensusMessage.Rebase rebase) {
            wire.setRebase(io.stemedb.proto.consensus.Rebase.newBuilder().setBaseIndex(rebase.baseIndex())
                    .setBaseTerm(rebase.baseTerm()).setConfiguration(ByteString.copyFrom(rebase.configuration().encode()))
                    .setCommitIndex(rebase.commitIndex()));
        } else if (message instanceof ConsensusMessage.TimeoutNow) {
            wire.setTimeoutNow(io.stemedb.proto.consensus.TimeoutNow.getDefaultInstance());
        }
        return wire.build();
    }

    /** @throws IllegalArgumentException for a message with no (or an unknown) body */
    public static ConsensusMessage fromWire(PeerMessage wire) {
        String from = wire.getFrom();
        String to = wire.getTo();
        long term = wire.getTerm();
        return switch (wire.getBodyCase()) {
            case PRE_VOTE -> new ConsensusMessage.PreVote(from, to, term, wire.getPreVote().getLastIndex(),
                    wire.getPreVote().getLastTerm(), wire.getPreVote().getPriority());
            case PRE_VOTE_REPLY -> new ConsensusMessage.PreVoteReply(from, to, term, wire.getPreVoteReply().getGranted());
            case VOTE -> new ConsensusMessage.Vote(from, to, term, wire.getVote().getLastIndex(), wire.getVote().getLastTerm(),
                    wire.getVote().getTransfer());
            case VOTE_REPLY -> new ConsensusMessage.VoteReply(from, to, term, wire.getVoteReply().getGranted());
            case APPEND -> {
                io.stemedb.proto.consensus.Append body = wire.getAppend();
                List<Entry> entries = new ArrayList<>(body.getEntriesCount());
                body.getEntriesList().forEach(entry -> entries.add(JournalEntries.fromWire(entry)));
                yield new ConsensusMessage.Append(from, to, term, body.getPrevIndex(), body.getPrevTerm(), entries,
                        body.getCommitIndex(), body.getReadRound());
            }
            case APPEND_REPLY -> {
                io.stemedb.proto.consensus.AppendReply body = wire.getAppendReply();
                yield new ConsensusMessage.AppendReply(from, to, term, body.getSuccess(), body.getMatchIndex(),
                        body.getHintIndex(), body.getReadRound(), body.getPriority());
            }
            case REBASE -> {
                io.stemedb.proto.consensus.Rebase body = wire.getRebase();
                yield new ConsensusMessage.Rebase(from, to, term, body.getBaseIndex(), body.getBaseTerm(),
                        ClusterConfiguration.decode(body.getConfiguration().toByteArray()), body.getCommitIndex());
            }
            case TIMEOUT_NOW -> new ConsensusMessage.TimeoutNow(from, to, term);
            case BODY_NOT_SET -> throw new IllegalArgumentException("a peer message without a body from " + from);
        };
    }
}
