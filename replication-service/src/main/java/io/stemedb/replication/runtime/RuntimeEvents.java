package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.Leadership;

/** What the runtime reports as it happens (metrics, logs, the commit watchers). Called on the consensus thread. */
public interface RuntimeEvents {

    /** The node's view of the primary changed (term, role, primary, writable). */
    void leadership(Leadership leadership);

    /** The commit index or the leadership changed; {@code status} is the state after the step. */
    void statusChanged(StatusSnapshot status);

    /** Every tick, with the current state (lag moves without any change above). */
    void ticked(StatusSnapshot status);

    /**
     * A call to the local journal failed (it refused, or did not answer in time): the runtime drops
     * its in-memory consensus and starts again from what the journal holds, in {@code retryInMillis}.
     */
    void restarting(Throwable cause, long retryInMillis);

    /** A replica's journal dropped {@code entries} entries from {@code fromIndex} on. */
    void truncated(long fromIndex, int entries);

    /**
     * This replica's journal was rebased: it continues after entry {@code base} of {@code baseTerm},
     * which the primary no longer held the entries before; the store is to be filled by anti-entropy.
     */
    default void rebased(long base, long baseTerm) {}
}
