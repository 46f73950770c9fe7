package io.stemedb.replication.config;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the replication-service ({@code stemedb.replication.*}); the runbooks' keys are
 * named beside each. Also in replication-service/README.md.
 *
 * @param nodeId            this node's id ({@code [cluster] node_id}); default {@code node1}
 * @param factor            W, {@code [replication] factor}: durable copies, the primary's included,
 *                          before a write is acknowledged; 1 to the number of voters; default 1
 * @param members           the cluster's first configuration (every member of a new cluster starts
 *                          with the same one): id → where it listens and its election priority. A
 *                          node alone needs none (it is then a cluster of itself); this node must
 *                          be among them otherwise. After the first start the configuration in the
 *                          log rules
 * @param electionPriority  this node's {@code [cluster] election_priority} when {@code members}
 *                          does not give one: higher campaigns first and wins ties; default 1
 * @param electionTimeout   a replica that hears nothing from a primary for a random time in
 *                          [this, 2 × this) campaigns; default 1s
 * @param heartbeat         how often a primary sends to idle members; default 100ms
 * @param rpcTimeout        deadline of each call to the local wal ({@code rpc_timeout_ms}); default 5s
 * @param maxReplicationLag {@code [cluster] max_replication_lag_seconds}: a replica further behind
 *                          than this does not count as caught up for backpressure; default 30s
 * @param entryCache        recent entries kept in memory for shipping to replicas; default 64MB
 * @param sourceAddress     the local address connections to other members leave from; empty (the
 *                          default) lets the kernel choose. A node bound to its own address (one
 *                          host, several loopback addresses) sets its bind address here, so that
 *                          what it sends carries it and a firewall rule between two addresses cuts
 *                          exactly the traffic between those two nodes
 * @param streamBreakerWait how long a member's replication-stream breaker stays open before two
 *                          trial streams are let through; default 10s
 * @param retentionPatience the primary keeps the journal entries a member still lacks as long as it
 *                          has heard from that member within this; default 10m
 * @param antiEntropyInterval how often the primary compares its store with every member's (Merkle
 *                          diff) and syncs where they differ; 0 turns the rounds off; default 10m
 * @param join              this node joins a running cluster: it starts as a learner, the other
 *                          {@code members} the voters, and asks them (every 2 s until a primary
 *                          streams to it) to add it; the primary makes it a voter once it has
 *                          caught up. Only for a node's first start; default false
 */
@ConfigurationProperties("stemedb.replication")
public record ReplicationProperties(
        @DefaultValue("node1") String nodeId,
        @DefaultValue("1") int factor,
        Map<String, Member> members,
        @DefaultValue("1") int electionPriority,
        @DefaultValue("1s") Duration electionTimeout,
        @DefaultValue("100ms") Duration heartbeat,
        @DefaultValue("5s") Duration rpcTimeout,
        @DefaultValue("30s") Duration maxReplicationLag,
        @DefaultValue("64MB") org.springframework.util.unit.DataSize entryCache,
        @DefaultValue("") String sourceAddress,
        @DefaultValue("10s") Duration streamBreakerWait,
        @DefaultValue("10m") Duration retentionPatience,
        @DefaultValue("10m") Duration antiEntropyInterval,
        @DefaultValue("false") boolean join) {

    /**
     * @param rpc      host:port of its replication-service (18182)
     * @param api      host:port of its api-service (18180), for redirecting writes to the primary
     * @param priority its election priority; default 1
     */
    public record Member(String rpc, String api, @DefaultValue("1") int priority) {}

    public ReplicationProperties {
        members = members == null ? Map.of() : new TreeMap<>(members);
        if (!members.isEmpty() && !members.containsKey(nodeId)) {
            throw new IllegalArgumentException("stemedb.replication.members must include this node, stemedb.replication.node-id="
                    + nodeId + " (members: " + members.keySet() + ")");
        }
        if (join && members.size() < 2) {
            throw new IllegalArgumentException("stemedb.replication.join needs the running cluster's members besides this node"
                    + " (stemedb.replication.members)");
        }
        int voters = members.isEmpty() ? 1 : join ? members.size() - 1 : members.size();
        if (factor < 1 || factor > voters) {
            throw new IllegalArgumentException("stemedb.replication.factor (replication.factor) must be from 1 to the number of"
                    + " voters, " + voters + " (stemedb.replication.members), was " + factor);
        }
    }

    /** This node's election priority. */
    public int priorityOf(String id) {
        Member member = members.get(id);
        return member != null ? member.priority() : electionPriority;
    }
}
