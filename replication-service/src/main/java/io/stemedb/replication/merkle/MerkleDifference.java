package io.stemedb.replication.merkle;

import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.List;

/**
 * Where two stores differ, from their Merkle trees alone (no records moved): the ranges of the id
 * space whose nodes disagree, down to the leaves, except that a node in which one side holds no
 * record at all is named whole, by itself (there is nothing in it to compare: every record the
 * other side has there is missing), so a store compared with an empty one is one range, not
 * thousands of leaves. Naming a node whole just because all its children differ would be wrong
 * for sync: a thousand records missing among a million make every node of the upper levels
 * differ, and the whole store would be listed to find them.
 */
public final class MerkleDifference {

    /**
     * One range where the trees disagree.
     *
     * @param range       the ids it covers
     * @param countHere   records this side has in it
     * @param countThere  records the other side has in it
     */
    public record Range(IdRange range, long countHere, long countThere) {}

    private MerkleDifference() {}

    /** The ranges in which {@code here} and {@code there} hold different records; empty when they agree. */
    public static List<Range> difference(MerkleTree here, MerkleTree there) {
        if (!here.sameShape(there)) {
            throw new IllegalArgumentException("trees of different shapes: fan-out " + here.fanOut() + " depth "
                    + here.depth() + " against fan-out " + there.fanOut() + " depth " + there.depth());
        }
        List<Range> ranges = new ArrayList<>();
        if (!here.sameNode(there, 0)) {
            collect(here, there, 0, ranges);
        }
        return ranges;
    }

    /** Node {@code node} differs: name it whole if it is a leaf or one side is empty in it, else recurse. */
    private static void collect(MerkleTree here, MerkleTree there, int node, List<Range> ranges) {
        if (here.isLeaf(node) || here.count(node) == 0 || there.count(node) == 0) {
            ranges.add(range(here, there, node));
            return;
        }
        int first = here.firstChild(node);
        for (int child = first; child < first + here.fanOut(); child++) {
            if (!here.sameNode(there, child)) {
                collect(here, there, child, ranges);
            }
        }
    }

    private static Range range(MerkleTree here, MerkleTree there, int node) {
        return new Range(here.range(node), here.count(node), there.count(node));
    }
}
