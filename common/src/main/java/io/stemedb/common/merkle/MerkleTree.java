package io.stemedb.common.merkle;

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
    public static final int STANDARD_BITS_PER_LEVEL = 4;
    public static final int STANDARD_DEPTH = 4;

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
     * The shape every node's store keeps: fan-out 16, depth 4 (65,536 leaves, 2.8 MB). One fixed
     * shape, so that any two nodes compare node by node; a leaf covers ~15 records at a million,
     * ~1,500 at a hundred million, which only makes a differing leaf's listing longer.
     */
    public static MerkleTree standard() {
        return new MerkleTree(STANDARD_BITS_PER_LEVEL, STANDARD_DEPTH);
    }

    /**
     * Adds one record by its id (32 bytes: the SHA-256 that names it).
     *
     * @return the leaf it went under, 0 to {@link #leaves()} - 1 (the position of its prefix)
     */
    public int add(byte[] id) {
        if (id.length != 32) {
            throw new IllegalArgumentException("a record id is 32 bytes, not " + id.length);
        }
        return add(IdRange.leadingBits(id), IdRange.word(id, 8), IdRange.word(id, 16), IdRange.word(id, 24));
    }

    /** Adds one record by its id as 64 hex characters (no array made on the way); returns its leaf. */
    public int add(String hexId) {
        if (hexId.length() != 64) {
            throw new IllegalArgumentException("a record id is 64 hex characters, not " + hexId.length());
        }
        return add(HexFormat.fromHexDigitsToLong(hexId, 0, 16), HexFormat.fromHexDigitsToLong(hexId, 16, 32),
                HexFormat.fromHexDigitsToLong(hexId, 32, 48), HexFormat.fromHexDigitsToLong(hexId, 48, 64));
    }

    /** Leaves of the tree: fan-out^depth. */
    public int leaves() {
        return counts.length - firstLeaf;
    }

    private int add(long w0, long w1, long w2, long w3) {
        int leaf = (int) (w0 >>> (64 - bitsPerLevel * depth));
        int node = firstLeaf + leaf;
        while (true) {
            int at = node * HASH_WORDS;
            hashes[at] ^= w0;
            hashes[at + 1] ^= w1;
            hashes[at + 2] ^= w2;
            hashes[at + 3] ^= w3;
            counts[node]++;
            if (node == 0) {
                return leaf;
            }
            node = (node - 1) / fanOut;
        }
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
    public long count(int node) {
        return counts[node];
    }

    /** True when node {@code node} holds the same records' hash and count in both trees. */
    public boolean sameNode(MerkleTree other, int node) {
        int at = node * HASH_WORDS;
        return counts[node] == other.counts[node] && hashes[at] == other.hashes[at]
                && hashes[at + 1] == other.hashes[at + 1] && hashes[at + 2] == other.hashes[at + 2]
                && hashes[at + 3] == other.hashes[at + 3];
    }

    public boolean isLeaf(int node) {
        return node >= firstLeaf;
    }

    public int firstChild(int node) {
        return node * fanOut + 1;
    }

    /**
     * The node at {@code level} (0 the root, {@link #depth()} the leaves) covering the ids whose
     * first level·bitsPerLevel bits are {@code prefix}.
     */
    public int node(int level, long prefix) {
        if (level < 0 || level > depth) {
            throw new IllegalArgumentException("level " + level + " is not between 0 and " + depth);
        }
        long width = 1L << (level * bitsPerLevel);
        if (prefix < 0 || prefix >= width) {
            throw new IllegalArgumentException("level " + level + " has " + width + " nodes, not one at " + prefix);
        }
        return (int) ((width - 1) / (fanOut - 1) + prefix);
    }

    /**
     * The nodes a question of anti-entropy reads, in order: the root ({@code level} 0, no
     * parents), or every child at {@code level} of the nodes named by their prefixes at
     * {@code level - 1}.
     *
     * @throws IllegalArgumentException for a level or prefix the tree does not have
     */
    public int[] nodesAsked(int level, long[] parents) {
        if (level < 0 || level > depth) {
            throw new IllegalArgumentException("the tree's levels are 0 to " + depth + ", not " + level);
        }
        if (level == 0) {
            if (parents.length != 0) {
                throw new IllegalArgumentException("the root has no parents");
            }
            return new int[] {0};
        }
        if (parents.length == 0) {
            throw new IllegalArgumentException("level " + level + " needs the parents whose children to read");
        }
        int[] nodes = new int[parents.length * fanOut];
        for (int p = 0; p < parents.length; p++) {
            int first = firstChild(node(level - 1, parents[p]));
            for (int i = 0; i < fanOut; i++) {
                nodes[p * fanOut + i] = first + i;
            }
        }
        return nodes;
    }

    /** Node {@code node}'s hash: the XOR of the ids under it, 32 bytes. */
    public byte[] hash(int node) {
        java.nio.ByteBuffer hash = java.nio.ByteBuffer.allocate(HASH_WORDS * Long.BYTES);
        for (int word = 0; word < HASH_WORDS; word++) {
            hash.putLong(hashes[node * HASH_WORDS + word]);
        }
        return hash.array();
    }

    /** The ids node {@code node} covers. */
    public IdRange range(int node) {
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
