package io.stemedb.membership.swim;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages this node has to send, in the order it decided to send them, until the caller
 * drains them. Writes every message from this node's identity and fills in its piggyback when the
 * message is written, so the transmit counts in the {@link BroadcastQueue} follow the messages
 * actually handed to the caller.
 *
 * <p>Pings take their sequence numbers from a single counter: an ack matches its ping by number,
 * so whether a ping was a probe, a relay or a question to a suspect, no two may share one.
 */
final class Outbox {

    private final LocalMember self;
    private final MemberTable members;
    private final BroadcastQueue broadcasts;
    private final int maxPiggybackUpdates;
    private final List<Envelope> pending = new ArrayList<>();
    private long nextSeq = 1;

    Outbox(LocalMember self, MemberTable members, BroadcastQueue broadcasts, int maxPiggybackUpdates) {
        this.self = self;
        this.members = members;
        this.broadcasts = broadcasts;
        this.maxPiggybackUpdates = maxPiggybackUpdates;
    }

    /**
     * Updates to carry on a message to {@code recipient}: once this node has had to refute, its
     * own alive fact goes on every message (whoever still suspects it learns the refutation from
     * any message, not only from gossip), then what the {@link BroadcastQueue} picks.
     */
    List<Update> piggyback(String recipient) {
        List<Update> chosen = new ArrayList<>();
        if (self.incarnation() > 0) {
            chosen.add(self.alive());
        }
        chosen.addAll(broadcasts.take(recipient, maxPiggybackUpdates - chosen.size(), members.size() + 1));
        return chosen;
    }

    /** Pings {@code recipient} with piggybacked updates; returns the ping's sequence number. */
    long ping(String address, String recipient) {
        long seq = nextSeq++;
        send(address, new SwimMessage.Ping(seq, self.id(), self.address(), piggyback(recipient)));
        return seq;
    }

    /** Pings carrying exactly {@code updates} (a goodbye); returns the ping's sequence number. */
    long ping(String address, List<Update> updates) {
        long seq = nextSeq++;
        send(address, new SwimMessage.Ping(seq, self.id(), self.address(), updates));
        return seq;
    }

    /** @param wallMillis this node's wall clock, or 0 when the ack is relayed and no offset can be measured from it */
    void ack(String address, String recipient, long seq, long wallMillis) {
        send(address, new SwimMessage.Ack(seq, self.id(), self.address(), piggyback(recipient), wallMillis));
    }

    void nack(String address, String recipient, long seq) {
        send(address, new SwimMessage.Nack(seq, self.id(), self.address(), piggyback(recipient)));
    }

    void pingReq(String address, String recipient, long seq, Member target) {
        send(address, new SwimMessage.PingReq(seq, target.id, target.address, self.id(), self.address(),
                piggyback(recipient)));
    }

    void gossip(String address, List<Update> updates) {
        send(address, new SwimMessage.Gossip(self.id(), self.address(), updates));
    }

    void join(String address) {
        send(address, new SwimMessage.Join(self.id(), self.address(), members.fullState()));
    }

    void joinReply(String address) {
        send(address, new SwimMessage.JoinReply(self.id(), self.address(), members.fullState()));
    }

    private void send(String address, SwimMessage message) {
        pending.add(new Envelope(address, message));
    }

    /** The messages written since the last call, oldest first. */
    List<Envelope> drain() {
        List<Envelope> drained = List.copyOf(pending);
        pending.clear();
        return drained;
    }
}
