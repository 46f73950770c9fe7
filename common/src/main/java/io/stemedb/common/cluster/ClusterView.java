package io.stemedb.common.cluster;

import java.util.List;

/** What this node knows about the cluster's members (itself included). */
public interface ClusterView {

    List<ClusterMember> members();
}
