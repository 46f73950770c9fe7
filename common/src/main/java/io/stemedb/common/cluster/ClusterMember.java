package io.stemedb.common.cluster;

/**
 * One member of the cluster as this node's membership sees it.
 *
 * @param id              node id
 * @param status          {@code UP}, {@code SUSPECT} or {@code DOWN}
 * @param role            {@code primary} or {@code replica} (as the member announces it)
 * @param assertionCount  as the member last announced it, or -1 when unknown
 * @param lastSeen        RFC 3339 instant of the member's last status change seen here
 * @param gossipAddress   where its SWIM endpoint is (host:port)
 * @param incarnation     the member's SWIM incarnation
 */
public record ClusterMember(String id, String status, String role, long assertionCount, String lastSeen,
        String gossipAddress, long incarnation) {}
