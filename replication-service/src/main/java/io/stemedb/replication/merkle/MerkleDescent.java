package io.stemedb.replication.merkle;

import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@link MerkleDifference} for two trees that are not in one place: it walks down level by level,
 * asking both sides only for the children of the nodes that still differ, so two identical stores
 * exchange their roots and nothing else, and a few differing records cost a few paths from the
 * root. It finds exactly the ranges {@code MerkleDifference.difference} finds, with the same rule
 * (a differing node is named whole when it is a leaf or one side holds nothing in it).
 *
 * <p>A pure state machine: {@link #question()} says which nodes to read on both sides;
 * {@link #answer} takes what each side said; {@link #isDone()} then {@link #ranges()}. Moving the
 * questions over the network is its caller's business.
 */
public final class MerkleDescent {

    /**
     * Which nodes to read next on both sides: the root ({@code level} 0, no parents), or every
     * child at {@code level} of each node named by its prefix at {@code level - 1}, in order.
     */
    public record Question(int level, long[] parents) {

        /** How many nodes the answer holds. */
        public int nodes(int fanOut) {
            return level == 0 ? 1 : parents.length * fanOut;
        }
    }

    /** One node as a side holds it. */
    public record Node(long count, byte[] hash) {

        boolean sameAs(Node other) {
            return count == other.count && Arrays.equals(hash, other.hash);
        }
    }

    private final int bitsPerLevel;
    private final int depth;
    private final int fanOut;
    private final List<MerkleDifference.Range> ranges = new ArrayList<>();
    private Question question = new Question(0, new long[0]);
    private long nodesRead;

    public MerkleDescent(int bitsPerLevel, int depth) {
        if (bitsPerLevel < 1 || bitsPerLevel > 8 || depth < 1 || bitsPerLevel * depth > 24) {
            throw new IllegalArgumentException("no tree has fan-out 2^" + bitsPerLevel + " and depth " + depth);
        }
        this.bitsPerLevel = bitsPerLevel;
        this.depth = depth;
        this.fanOut = 1 << bitsPerLevel;
    }

    /** What to read next on both sides; null once done. */
    public Question question() {
        return question;
    }

    public boolean isDone() {
        return question == null;
    }

    /** Nodes read so far on each side (a measure of what the descent cost). */
    public long nodesRead() {
        return nodesRead;
    }

    /**
     * What both sides hold for the current question's nodes, in its order.
     *
     * @throws IllegalArgumentException when an answer has the wrong number of nodes
     */
    public void answer(List<Node> here, List<Node> there) {
        if (question == null) {
            throw new IllegalStateException("the descent is done");
        }
        int expected = question.nodes(fanOut);
        if (here.size() != expected || there.size() != expected) {
            throw new IllegalArgumentException("expected " + expected + " nodes from each side, got " + here.size()
                    + " and " + there.size());
        }
        nodesRead += expected;
        int level = question.level();
        if (level == 0) {
            Node hereRoot = here.get(0);
            Node thereRoot = there.get(0);
            if (hereRoot.sameAs(thereRoot)) {
                question = null;
            } else if (hereRoot.count() == 0 || thereRoot.count() == 0) {
                ranges.add(new MerkleDifference.Range(new IdRange(0, 0), hereRoot.count(), thereRoot.count()));
                question = null;
            } else {
                question = new Question(1, new long[] {0});
            }
            return;
        }
        List<Long> next = new ArrayList<>();
        long[] parents = question.parents();
        for (int p = 0; p < parents.length; p++) {
            int first = p * fanOut;
            for (int child = first; child < first + fanOut; child++) {
                Node hereChild = here.get(child);
                Node thereChild = there.get(child);
                if (hereChild.sameAs(thereChild)) {
                    continue;
                }
                long prefix = parents[p] * fanOut + (child - first);
                if (level == depth || hereChild.count() == 0 || thereChild.count() == 0) {
                    ranges.add(new MerkleDifference.Range(new IdRange(prefix, level * bitsPerLevel), hereChild.count(),
                            thereChild.count()));
                } else {
                    next.add(prefix);
                }
            }
        }
        question = next.isEmpty() ? null
                : new Question(level + 1, next.stream().mapToLong(Long::longValue).toArray());
    }

    /** The differing ranges, in id order; complete once {@link #isDone()}. */
    public List<MerkleDifference.Range> ranges() {
        List<MerkleDifference.Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(range -> range.range().firstId()));
        return sorted;
    }

    /** The nodes a question reads from a tree that is at hand (the local side, or a test's). */
    public static List<Node> read(MerkleTree tree, Question question) {
        List<Node> nodes = new ArrayList<>(question.nodes(tree.fanOut()));
        for (int node : tree.nodesAsked(question.level(), question.parents())) {
            nodes.add(new Node(tree.count(node), tree.hash(node)));
        }
        return nodes;
    }
}
