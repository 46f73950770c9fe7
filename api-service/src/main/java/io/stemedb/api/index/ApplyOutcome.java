package io.stemedb.api.index;

/** What applying one log record did to the index. */
public enum ApplyOutcome {
    /** The record changed what queries see. */
    APPLIED,
    /** The index already had this record (the same id, or epoch number): replay, import or a racing write. */
    DUPLICATE,
    /** A vote or retraction whose assertion has not been applied yet; it is kept and attached when it is. */
    WAITING_FOR_ASSERTION
}
