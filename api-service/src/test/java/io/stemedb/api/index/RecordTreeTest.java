package io.stemedb.api.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.merkle.MerkleTree;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.Vote;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index's Merkle tree holds each record it applies once: duplicates and epochs leave it alone. */
class RecordTreeTest {

    @Test
    void everyNewRecordIsInTheTreeOnceAndDuplicatesAndEpochsAreNot() {
        AssertionIndex index = new AssertionIndex(new SimpleMeterRegistry());
        MerkleTree expected = MerkleTree.standard();
        long at = 0;
        for (int i = 0; i < 500; i++) {
            Assertion assertion = assertion(i, ++at);
            index.apply(assertion);
            expected.add(assertion.id());
        }
        index.apply(assertion(7, ++at)); // the same content again: a duplicate
        String early = "e".repeat(64);
        index.apply(new Vote(early, assertion(999, 0).id(), "agent", 1, at, 1, ++at)); // before its assertion
        expected.add(early);
        Vote vote = new Vote("b".repeat(64), assertion(3, 0).id(), "agent", 1, at, 1, ++at);
        index.apply(vote);
        index.apply(new Vote(vote.id(), vote.assertionId(), "agent", 1, at, 1, ++at)); // a duplicate vote
        expected.add(vote.id());
        index.apply(new Epoch(1, "first", at, 1, ++at));

        RecordTree tree = index.tree();
        assertThat(tree.count()).isEqualTo(502);
        RecordTree.Node root = tree.read(0, new long[0]).get(0);
        assertThat(root.count()).isEqualTo(502);
        assertThat(root.hash()).isEqualTo(expected.hash(0));

        List<RecordTree.Node> children = tree.read(1, new long[] {0});
        assertThat(children).hasSize(16);
        assertThat(children.stream().mapToLong(RecordTree.Node::count).sum()).isEqualTo(502);
        byte[] xor = new byte[32];
        for (RecordTree.Node child : children) {
            for (int b = 0; b < 32; b++) {
                xor[b] ^= child.hash()[b];
            }
        }
        assertThat(xor).as("the children's hashes make the root's").isEqualTo(root.hash());
        int leaf = MerkleTree.STANDARD_DEPTH;
        assertThat(tree.read(leaf, new long[] {0, 1, 4095})).hasSize(3 * 16);
        assertThat(Arrays.equals(tree.read(1, new long[] {0}).get(5).hash(), expected.hash(expected.node(1, 5)))).isTrue();
    }

    @Test
    void anIdThatIsNotAContentHashIsCountedByTheHashOfItsText() {
        RecordTree tree = new RecordTree();
        tree.add("id-1");
        tree.add("Z".repeat(64));
        assertThat(tree.count()).isEqualTo(2);
        RecordTree again = new RecordTree();
        again.add("Z".repeat(64));
        again.add("id-1");
        assertThat(again.read(0, new long[0]).get(0).hash()).isEqualTo(tree.read(0, new long[0]).get(0).hash());
    }

    @Test
    void levelsAndPrefixesTheTreeDoesNotHaveAreRefused() {
        RecordTree tree = new AssertionIndex(new SimpleMeterRegistry()).tree();
        assertThatThrownBy(() -> tree.read(MerkleTree.STANDARD_DEPTH + 1, new long[] {0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.read(1, new long[] {1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.read(2, new long[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.read(0, new long[] {0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tree.read(-1, new long[0])).isInstanceOf(IllegalArgumentException.class);
    }

    private static Assertion assertion(int i, long index) {
        AssertionContent content = new AssertionContent("tree/c" + i, "p", "\"v" + i + "\"", "agent", "0.5");
        return new Assertion(ContentHash.of(content), content, index * 10, 1, index);
    }
}
