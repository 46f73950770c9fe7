package io.stemedb.membership.swim;

import java.util.List;

/**
 * Everything a {@link SwimNode} asks of its caller since the last {@link SwimNode#drain()}, like
 * etcd-raft's {@code Ready}: the messages to send and the membership changes to publish, each list
 * in the order it happened. The node has already moved on as if the messages were sent, so the
 * caller should send them promptly; losing one is harmless (the protocol expects datagrams to be
 * lost), holding them back looks to the others like a slow member.
 */
public record SwimOutput(List<Envelope> messages, List<MemberChange> changes) {

    public static final SwimOutput EMPTY = new SwimOutput(List.of(), List.of());

    public SwimOutput {
        messages = List.copyOf(messages);
        changes = List.copyOf(changes);
    }

    public boolean isEmpty() {
        return messages.isEmpty() && changes.isEmpty();
    }
}
