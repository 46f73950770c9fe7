package io.stemedb.replication.merkle;

import java.util.HexFormat;

/**
 * A Merkle tree over the ids of a store's records: fixed fan-out 2^{@code bitsPerLevel}, fixed
 * depth, so two trees of the same shape compare node by node without exchanging their shape. A
 * leaf covers the ids that share a prefix of depth·bitsPerLevel bits ({@link IdRange}); each node
 * holds how many records are under it and the XOR of their ids (an id is already a SHA-256 of the
 * record's content), so adding a record touches one node per level and the order records arrive
 * in does not matter — the same set gives the same tree on every node.
 *
 * <p>Records are only ever added: a store never deletes one (a retraction is a record of its own).
 * Adding an id twice would cancel it out of the hashes, so the caller adds each id once, when the
 * record is first applied (the index knows). The XOR with the count is Cassandra's choice for its
 * repair trees too; it is not meant to stand against someone choosing record contents so that
 * different sets collide, only to find what two honest stores do not share.
 *
 * <p>Not thread-safe; its owner serialises adds and reads.
 */
public final class MerkleTree {

    /** Longs per hash: 256 bits. */
    static final int HASH_WORDS = 4;

    private final int bitsPerLevel;
    private final int depth;
    private final int fanOut;
    /** Nodes level by level, the root first; node i's children are fanOut*i+1 … fanOut*i+fanOut. */
    private final long[] hashes;
    private final long[] counts;
    private final int firstLeaf;

    /**
     * @param bitsPerLevel 1 to 8: fan-out 2, 4, … 256
     * @param depth        levels below the root, 1 or more; leaves = fan-out^depth, at most 2^24
     */
    public MerkleTree(int bitsPerLevel, int depth) {
        if (bitsPerLevel < 1 || bitsPerLevel > 8) {
            throw new IllegalArgumentException("bits per level is 1 to 8, not " + bitsPerLevel);
        }
        if (depth < 1 || bitsPerLevel * depth > 24) {
            throw new IllegalArgumentException("a tree of depth " + depth + " and fan-out " + (1 << bitsPerLevel)
                    + " would have more than 2^24 leaves");
        }
        this.bitsPerLevel = bitsPerLevel;
        this.depth = depth;
        this.fanOut = 1 << bitsPerLevel;
        long nodes = 0;
        long width = 1;
        for (int level = 0; level <= depth; level++) {
            nodes += width;
            width *= fanOut;
        }
        this.firstLeaf = (int) (nodes - width / fanOut);
        this.hashes = new long[(int) nodes * HASH_WORDS];
        this.counts = new long[(int) nodes];
    }

    /**
     * A tree shaped for about {@code expectedRecords}: fan-out 16, as deep as it takes for a leaf to
     * cover at most ~64 records (1M records: depth 4, 65,536 leaves, 2.8 MB), at most depth 5 (44 MB).
     */
    public static MerkleTree sizedFor(long expectedRecords) {
        int depth = 1;
        while (depth < 5 && (1L << (4 * depth)) * 64 < expectedRecords) {
            depth++;
        }
        return new MerkleTree(4, depth);
    }

    /** Adds one record by its id (32 bytes: the SHA-256 that names it). */
    public void add(byte[] id) {
        if (id.length != 32) {
            throw new IllegalArgumentException("a record id is 32 bytes, not " + id.length);
        }
        long w0 = IdRange.leadingBits(id);
        long w1 = IdRange.word(id, 8);
        long w2 = IdRange.word(id, 16);
        long w3 = IdRange.word(id, 24);
        int node = firstLeaf + (int) (w0 >>> (64 - bitsPerLevel * depth));
        while (true) {
            int at = node * HASH_WORDS;
            hashes[at] ^= w0;
            hashes[at + 1] ^= w1;
            hashes[at + 2] ^= w2;
            hashes[at + 3] ^= w3;
            counts[node]++;
            if (node == 0) {
                return;
            }
            node = (node - 1) / fanOut;
        }
    }

    /** Adds one record by its id as 64 hex characters. */
    public void add(String hexId) {
        add(HexFormat.of().parseHex(hexId));
    }

    public int bitsPerLevel() {
        return bitsPerLevel;
    }

    public int depth() {
        return depth;
    }

    public int fanOut() {
        return fanOut;
    }

    /** Records in the whole tree. */
    public long count() {
        return counts[0];
    }

    /** True when the other tree has this one's shape, so the two can be compared. */
    public boolean sameShape(MerkleTree other) {
        return bitsPerLevel == other.bitsPerLevel && depth == other.depth;
    }

    /** Records under node {@code node} (0 the root, in level order). */
    long count(int node) {
        return counts[node];
    }

    /** True when node {@code node} holds the same records' hash and count in both trees. */
    boolean sameNode(MerkleTree other, int node) {
        int at = node * HASH_WORDS;
        return counts[node] == other.counts[node] && hashes[at] == other.hashes[at]
                && hashes[at + 1] == other.hashes[at + 1] && hashes[at + 2] == other.hashes[at + 2]
                && hashes[at + 3] == other.hashes[at + 3];
    }

    boolean isLeaf(int node) {
        return node >= firstLeaf;
    }

    int firstChild(int node) {
        return node * fanOut + 1;
    }

    /** The ids node {@code node} covers. */
    IdRange range(int node) {
        int level = 0;
        long levelStart = 0;
        long width = 1;
        while (node >= levelStart + width) {
            levelStart += width;
            width *= fanOut;
            level++;
        }
        return new IdRange(node - levelStart, level * bitsPerLevel);
    }
}
