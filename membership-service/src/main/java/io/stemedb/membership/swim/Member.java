package io.stemedb.membership.swim;

import java.util.Map;

/**
 * What this node believes about one other member; mutable, owned by the {@link MemberTable} and
 * touched only on the node's own thread.
 */
final class Member {

    final String id;
    String address;
    long incarnation;
    MemberStatus status = MemberStatus.ALIVE;
    Map<String, String> metadata;
    /** When (this node's protocol time) it entered its current status. */
    long since;
    /** Set exactly while the member is SUSPECT. */
    Suspicion suspicion;
    private Long clockOffsetMillis;

    Member(String id, String address, long incarnation, Map<String, String> metadata, long since) {
        this.id = id;
        this.address = address;
        this.incarnation = incarnation;
        this.metadata = metadata;
        this.since = since;
    }

    /** Its wall clock minus this node's, from the latest direct probe. */
    void recordClockOffset(long millis) {
        clockOffsetMillis = millis;
    }

    /**
     * This member as an update asserted by {@code from}; a suspicion keeps its first accuser, so
     * that passing it on (in gossip or a full-state sync) never counts as a confirmation.
     */
    Update toUpdate(String from) {
        String by = status == MemberStatus.SUSPECT ? suspicion.firstAccuser() : from;
        return new Update(id, address, incarnation, status, by, metadata);
    }

    MemberView view() {
        return new MemberView(id, address, status, incarnation, metadata, since, clockOffsetMillis);
    }
}
