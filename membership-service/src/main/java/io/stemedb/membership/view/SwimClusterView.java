package io.stemedb.membership.view;

import io.stemedb.common.cluster.ClusterMember;
import io.stemedb.common.cluster.ClusterView;
import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.service.SwimService;
import io.stemedb.membership.udp.SwimUdpRuntime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The SWIM runtime's members (and this node, always UP to itself) in the API's shape. */
public final class SwimClusterView implements ClusterView {

    private final SwimService service;
    // SWIM keeps time on the monotonic clock; this maps it to wall-clock instants for the API.
    private final long wallMinusMonotonic = System.currentTimeMillis() - System.nanoTime() / 1_000_000;

    public SwimClusterView(SwimService service) {
        this.service = service;
    }

    @Override
    public List<ClusterMember> members() {
        SwimUdpRuntime runtime = service.runtime();
        List<ClusterMember> members = new ArrayList<>();
        members.add(new ClusterMember(runtime.nodeId(), "UP", service.role(), -1, Instant.now().toString(), runtime.address(),
                runtime.incarnation()));
        for (MemberView member : runtime.members()) {
            members.add(new ClusterMember(member.id(), member.status().apiName(), member.metadata().getOrDefault("role", "unknown"),
                    Long.parseLong(member.metadata().getOrDefault("assertion_count", "-1")), Instant.ofEpochMilli(wallMinusMonotonic + member.since()).toString(), member.address(),
                    member.incarnation()));
        }
        members.sort(Comparator.comparing(ClusterMember::id));
        return members;
    }
}
