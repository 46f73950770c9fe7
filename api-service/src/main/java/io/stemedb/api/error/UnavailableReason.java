package io.stemedb.api.error;

/** Why a request got 503; the wire name goes into the JSON body as {@code reason}. */
public enum UnavailableReason {
    /** The index is still replaying the journal after a start. */
    STARTING("starting"),
    /** The wal-service cannot be reached, or cannot make writes durable (fsync failure, disk full, read-only disk). */
    WAL_UNAVAILABLE("wal_unavailable"),
    /** The wal-service did not answer in time; the write may or may not have been stored. */
    WAL_TIMEOUT("wal_timeout"),
    /** The journal is fenced at a newer term than this node's: another node is primary now. */
    NOT_PRIMARY("not_primary"),
    /** Membership does not run in this process (a split deployment); ask a node that runs it. */
    MEMBERSHIP_UNAVAILABLE("membership_unavailable"),
    /** The wal-service's queue is full. */
    OVERLOADED("overloaded"),
    /** The index has not reached the newest acknowledged write in time. */
    INDEX_BEHIND("index_behind"),
    /**
     * The write is durable here but did not reach W copies within the replication timeout (or
     * this node stopped being primary meanwhile): it may or may not commit; a retry is safe (ids
     * are content hashes).
     */
    REPLICATION_TIMEOUT("replication_timeout"),
    /** Too few replicas are within {@code max_replication_lag_seconds}: writes wait for them to catch up. */
    REPLICATION_LAG("replication_lag"),
    /** An operator drained this node ({@code POST /v1/admin/node/drain}): clients go to another node. */
    DRAINING("draining"),
    /** The local consensus (replication-service) cannot be reached. */
    REPLICATION_UNAVAILABLE("replication_unavailable");

    private final String wireName;

    UnavailableReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
