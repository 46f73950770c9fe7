package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.ClusterConfiguration;
import io.stemedb.replication.consensus.ConsensusNode;
import io.stemedb.replication.consensus.ConsensusSettings;
import io.stemedb.replication.consensus.Role;
import java.util.Map;

/**
 * The consensus as of its last step, for readers on other threads (status endpoints, metrics).
 *
 * @param matchIndexes on the primary, each member's highest index known to match; empty elsewhere
 * @param lastHeard    on the primary, when (consensus clock, ms) each member last answered
 * @param lagSeconds   on the primary, each member's lag: the age of the oldest entry it lacks
 * @param termStartIndex on the primary, the index of its term's first entry (0 until durable)
 * @param now          the consensus clock when taken
 */
public record StatusSnapshot(String nodeId, Role role, long term, String primaryId, long commitIndex, long lastIndex,
        boolean writable, ClusterConfiguration configuration, Map<String, Long> matchIndexes, Map<String, Long> lastHeard,
        Map<String, Double> lagSeconds, long termStartIndex, int writeQuorum, long now) {

    static StatusSnapshot of(ConsensusNode node, ConsensusSettings settings, Map<String, Double> lagSeconds) {
        return new StatusSnapshot(node.id(), node.role(), node.term(), node.primaryId(), node.commitIndex(), node.lastIndex(),
                node.isWritable(), node.configuration(), node.matchIndexes(), node.lastHeard(), lagSeconds,
                node.termStartIndex(), settings.writeQuorum(), System.nanoTime() / 1_000_000);
    }
}
