package io.stemedb.membership.swim;

import java.util.Map;

/**
 * This node as a member of the cluster: its identity, its incarnation and the metadata it
 * announces. Only a member itself raises its own incarnation (SWIM section 4.2), which is what
 * lets every other member order the facts about it.
 */
final class LocalMember {

    private final String id;
    private final String address;
    private Map<String, String> metadata = Map.of();
    private long incarnation;

    LocalMember(String id, String address) {
        this.id = id;
        this.address = address;
    }

    String id() {
        return id;
    }

    String address() {
        return address;
    }

    long incarnation() {
        return incarnation;
    }

    void setMetadata(Map<String, String> metadata) {
        this.metadata = Map.copyOf(metadata);
    }

    /**
     * New metadata takes a new incarnation: at the old one, members that already know this node
     * would keep what they have.
     */
    Update announce(Map<String, String> newMetadata) {
        setMetadata(newMetadata);
        incarnation++;
        return alive();
    }

    /**
     * Refutes an accusation (a suspicion, or being declared dead) that is not older than this
     * node's incarnation, by raising the incarnation above it: the refutation then beats the
     * accusation everywhere.
     *
     * @return true if it refuted (the caller must spread {@link #alive()})
     */
    boolean refute(Update aboutSelf) {
        if (aboutSelf.status() == MemberStatus.ALIVE || aboutSelf.incarnation() < incarnation) {
            return false;
        }
        incarnation = aboutSelf.incarnation() + 1;
        return true;
    }

    /** "I am alive", at the current incarnation, with the metadata. */
    Update alive() {
        return new Update(id, address, incarnation, MemberStatus.ALIVE, id, metadata);
    }

    /** The goodbye of a graceful leave: dead by its own word. */
    Update left() {
        return new Update(id, address, incarnation, MemberStatus.DEAD, id, metadata);
    }
}
