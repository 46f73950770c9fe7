package io.stemedb.membership.grpc;

import io.stemedb.membership.service.SwimService;
import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.udp.SwimUdpRuntime;
import io.stemedb.proto.membership.Member;
import io.stemedb.proto.membership.MemberList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The SWIM runtime's members, and this node (always UP to itself), in the contract's shape. */
final class MemberListing {

    private final SwimService service;
    // SWIM keeps time on the monotonic clock; this maps it to wall-clock instants for people.
    private final long wallMinusMonotonic = System.currentTimeMillis() - System.nanoTime() / 1_000_000;

    MemberListing(SwimService service) {
        this.service = service;
    }

    MemberList now() {
        SwimUdpRuntime runtime = service.runtime();
        List<Member> members = new ArrayList<>();
        members.add(Member.newBuilder().setId(runtime.nodeId()).setStatus("UP").setGossipAddress(runtime.address())
                .setIncarnation(runtime.incarnation()).setLastSeen(Instant.now().toString())
                .putAllMetadata(service.announced()).build());
        for (MemberView member : runtime.members()) {
            members.add(Member.newBuilder().setId(member.id()).setStatus(member.status().apiName())
                    .setGossipAddress(member.address()).setIncarnation(member.incarnation())
                    .setLastSeen(Instant.ofEpochMilli(wallMinusMonotonic + member.since()).toString())
                    .putAllMetadata(member.metadata()).build());
        }
        members.sort(Comparator.comparing(Member::getId));
        return MemberList.newBuilder().setNodeId(runtime.nodeId()).addAllMembers(members).build();
    }
}
