package io.stemedb.membership.swim;

/** Where a {@link SwimNode}'s messages go: UDP in a node, a simulated network in tests. */
@FunctionalInterface
public interface SwimTransport {

    /** Sends without waiting; a message may be lost, and the protocol expects that. */
    void send(String address, SwimMessage message);
}
