package io.stemedb.replication.merkle;

import io.stemedb.replication.consensus.Entry;
import java.util.List;

/**
 * Where a sync puts the records one side lacks: the primary's log, which brings them to every
 * node. Into this node's own journal when it is the writable primary, else over the network to
 * the primary's {@code Handoff}.
 */
@FunctionalInterface
public interface RecordHandoff {

    /**
     * Returns once the records are durable in the primary's journal.
     *
     * @return the bytes sent over the network for it (0 when this node is the primary)
     * @throws io.grpc.StatusRuntimeException when no primary took them
     */
    long handOver(List<Entry> records);
}
