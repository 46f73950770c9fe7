package io.stemedb.api.index;

import io.stemedb.common.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Merkle tree over the ids of every record the index holds (assertions, retractions, votes;
 * epochs are named by number, not by content, and are left out), in the one shape every node
 * keeps ({@link MerkleTree#standard()}), for anti-entropy: the replication-service reads it over
 * the store's gRPC contract to find where this node and another differ.
 *
 * <p>Beside the tree, the ids under each leaf (references to the index's own id strings, ~4 bytes
 * a record), so that a range the tree says differs can be listed without a scan of the index.
 *
 * <p>The index's writer adds each record once, when it is first applied (a duplicate would cancel
 * out of the hashes); readers take a lock that the writer holds only for an add's few XORs.
 */
public final class RecordTree {

    /** One node as read: how many records are under it and the XOR of their ids (32 bytes). */
    public record Node(long count, byte[] hash) {}

    private final MerkleTree tree = MerkleTree.standard();
    private final ReentrantLock lock = new ReentrantLock();
    /** Ids under each leaf, in the order they were added; null for a leaf with none. */
    private final String[][] leafIds = new String[tree.leaves()][];
    private final int[] leafSizes = new int[tree.leaves()];

    /**
     * Adds a record's id: the index's writer, once per record it applies. Ids are content hashes,
     * 64 hex characters; anything else (no write path makes one, but the index must never stop
     * on its tree) goes in as the SHA-256 of its text, the same on every node.
     */
    public void add(String id) {
        lock.lock();
        try {
            int leaf = -1;
            if (id.length() == 64) {
                try {
                    leaf = tree.add(id);
                } catch (IllegalArgumentException notHex) {
                    // the hash of the text, below
                }
            }
            if (leaf < 0) {
                leaf = tree.add(sha256(id));
            }
            String[] ids = leafIds[leaf];
            int size = leafSizes[leaf];
            if (ids == null || size == ids.length) {
                ids = Arrays.copyOf(ids == null ? new String[0] : ids, Math.max(4, size * 2));
                leafIds[leaf] = ids;
            }
            ids[size] = id;
            leafSizes[leaf] = size + 1;
        } finally {
            lock.unlock();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Bits of an id's prefix that name its leaf (depth · bits per level: 16). */
    public int leafBits() {
        return tree.depth() * tree.bitsPerLevel();
    }

    /** The ids under leaf {@code leaf} (0 to 2^{@link #leafBits()} - 1), as of now. */
    public List<String> idsUnder(int leaf) {
        lock.lock();
        try {
            String[] ids = leafIds[leaf];
            return ids == null ? List.of() : List.of(Arrays.copyOf(ids, leafSizes[leaf]));
        } finally {
            lock.unlock();
        }
    }

    public int bitsPerLevel() {
        return tree.bitsPerLevel();
    }

    public int depth() {
        return tree.depth();
    }

    /** Records in the tree. */
    public long count() {
        lock.lock();
        try {
            return tree.count();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The root (level 0, no parents), or every child at {@code level} of the nodes named by their
     * prefixes at {@code level - 1}, in order, all as of one moment.
     *
     * @throws IllegalArgumentException for a level or prefix the tree does not have
     */
    public List<Node> read(int level, long[] parents) {
        int[] asked = tree.nodesAsked(level, parents);
        List<Node> nodes = new ArrayList<>(asked.length);
        lock.lock();
        try {
            for (int node : asked) {
                nodes.add(new Node(tree.count(node), tree.hash(node)));
            }
            return nodes;
        } finally {
            lock.unlock();
        }
    }
}
