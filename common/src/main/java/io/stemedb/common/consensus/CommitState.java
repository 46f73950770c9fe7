package io.stemedb.common.consensus;

/**
 * What the local consensus last said: the commit index and who is primary.
 *
 * @param primaryApi the primary's api address (host:port), or empty
 * @param writable   this node is the primary and takes writes
 * @param lagging    on the primary: too few replicas are within {@code max_replication_lag_seconds}
 * @param termStartIndex on the primary, its term's first entry (0 until durable): writes wait until
 *                   the index has applied it
 * @param connected  whether the stream from the replication-service is up (false: all of this is stale)
 */
public record CommitState(long commitIndex, long term, String role, String primaryId, String primaryApi, boolean writable,
        boolean lagging, long termStartIndex, boolean connected) {

    public static final CommitState UNKNOWN = new CommitState(0, 0, "unknown", "", "", false, false, 0, false);
}
