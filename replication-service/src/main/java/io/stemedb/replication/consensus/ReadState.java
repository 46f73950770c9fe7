package io.stemedb.replication.consensus;

/**
 * The answer to a leadership-confirmed read (Raft §8, ReadIndex): once the node has applied
 * {@code index}, a read reflects every write acknowledged before the read began. {@code index} is
 * -1 when this node could not confirm it is primary (no longer primary, or stepped down).
 */
public record ReadState(long requestId, long index) {

    public boolean confirmed() {
        return index >= 0;
    }
}
