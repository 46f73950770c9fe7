package io.stemedb.membership.swim;

import java.util.List;

/**
 * The protocol's messages. Each carries its sender (id, address, incarnation) and piggybacked
 * membership updates.
 */
public sealed interface SwimMessage {

    String from();

    String fromAddress();

    List<Update> updates();

    /** "Are you there?" — answered with {@link Ack} carrying the same {@code seq}. */
    record Ping(long seq, String from, String fromAddress, List<Update> updates) implements SwimMessage {}

    /**
     * @param wallMillis the responder's wall clock when it answered; with the prober's send and
     *     receive times it gives an NTP-style estimate of the clock offset between the two
     */
    record Ack(long seq, String from, String fromAddress, List<Update> updates, long wallMillis) implements SwimMessage {

        public Ack(long seq, String from, String fromAddress, List<Update> updates) {
            this(seq, from, fromAddress, updates, 0);
        }
    }

    /** "Ping {@code target} for me": the indirect probe, after a direct one went unanswered. */
    record PingReq(long seq, String target, String targetAddress, String from, String fromAddress, List<Update> updates)
            implements SwimMessage {}

    /**
     * Lifeguard's negative acknowledgement: the intermediary of a {@link PingReq} got no answer
     * from the target either. A prober that gets neither acks nor nacks learns that the fault may
     * be its own.
     */
    record Nack(long seq, String from, String fromAddress, List<Update> updates) implements SwimMessage {}

    /** Pending updates pushed to a few random members every gossip interval (faster than piggyback alone). */
    record Gossip(String from, String fromAddress, List<Update> updates) implements SwimMessage {}

    /** Sent to a seed to join; answered with {@link JoinReply}. */
    record Join(String from, String fromAddress, List<Update> updates) implements SwimMessage {}

    /** Everything the seed knows, as updates. */
    record JoinReply(String from, String fromAddress, List<Update> updates) implements SwimMessage {}
}
