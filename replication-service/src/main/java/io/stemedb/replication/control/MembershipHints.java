package io.stemedb.replication.control;

import io.stemedb.proto.membership.Member;
import io.stemedb.proto.membership.MemberList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the member lists this node's membership-service streams into the one hint the consensus
 * takes from SWIM: a member that has just been declared DOWN. A replica whose primary is the one
 * then campaigns at once instead of waiting out its election timeout (the consensus decides; SWIM
 * never decides who votes). A member seen DOWN in the first list after a (re)connection counts as
 * just declared, since the transition may have happened while the stream was down.
 */
public final class MembershipHints implements Consumer<MemberList> {

    private final Consumer<String> memberDown;
    private final Map<String, String> statuses = new HashMap<>();

    public MembershipHints(Consumer<String> memberDown) {
        this.memberDown = memberDown;
    }

    @Override
    public synchronized void accept(MemberList members) {
        for (Member member : members.getMembersList()) {
            String before = statuses.put(member.getId(), member.getStatus());
            if ("DOWN".equals(member.getStatus()) && !"DOWN".equals(before)) {
                memberDown.accept(member.getId());
            }
        }
    }
}
