package io.stemedb.replication.consensus;

/** What a log entry is to the consensus; the records themselves are opaque to it. */
public enum EntryKind {
    /** A data record (assertion, vote, retraction, epoch) written through the api. */
    RECORD,
    /**
     * The entry a new primary appends first in its term: Raft commits an older term's entries only
     * by counting copies of one of the current term (§5.4.2), and a read needs a committed entry of
     * the current term before its index can be trusted (§8).
     */
    NOOP,
    /** The voters and learners from this index on (payload: {@link ClusterConfiguration#encode()}). */
    CONFIGURATION
}
