package io.stemedb.wal.journal;

/**
 * The last durable entry: its index and term, read together (0 and 0 while the journal is empty).
 */
public record DurablePosition(long index, long term) {

    static final DurablePosition EMPTY = new DurablePosition(0, 0);
}
