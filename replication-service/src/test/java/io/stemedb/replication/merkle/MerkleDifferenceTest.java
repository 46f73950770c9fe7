package io.stemedb.replication.merkle;

import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.merkle.MerkleTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The tree and its difference against the plain set arithmetic they stand for, over thousands of
 * seeded random pairs of stores (a failure names its seed; {@link #replay} runs one again).
 */
class MerkleDifferenceTest {

    private static final int SCHEDULES = 3_000;

    @Test
    void theDifferingRangesHoldExactlyTheRecordsOneSideLacks() {
        long base = Long.getLong("merkle.seed", 20261203L);
        for (int i = 0; i < SCHEDULES; i++) {
            long seed = base + i;
            try {
                replay(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (rerun: -Dmerkle.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    static void replay(long seed) {
        Random random = new Random(seed);
        int bits = 1 + random.nextInt(4);
        int depth = 1 + random.nextInt(Math.max(1, 12 / bits));
        List<byte[]> common = ids(random, random.nextInt(random.nextBoolean() ? 50 : 3_000));
        List<byte[]> onlyHere = ids(random, random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 5 : 500));
        List<byte[]> onlyThere = ids(random, random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 5 : 500));

        List<byte[]> here = shuffled(random, common, onlyHere);
        List<byte[]> there = shuffled(random, common, onlyThere);
        MerkleTree hereTree = tree(bits, depth, here);
        MerkleTree thereTree = tree(bits, depth, there);
        assertThat(hereTree.count()).isEqualTo(here.size());

        List<MerkleDifference.Range> ranges = MerkleDifference.difference(hereTree, thereTree);
        if (onlyHere.isEmpty() && onlyThere.isEmpty()) {
            assertThat(ranges).as("identical stores").isEmpty();
            return;
        }
        Set<String> missingThere = new HashSet<>();
        Set<String> missingHere = new HashSet<>();
        for (MerkleDifference.Range range : ranges) {
            List<byte[]> inHere = within(range.range(), here);
            List<byte[]> inThere = within(range.range(), there);
            assertThat(range.countHere()).isEqualTo(inHere.size());
            assertThat(range.countThere()).isEqualTo(inThere.size());
            Set<String> hereIds = hex(inHere);
            Set<String> thereIds = hex(inThere);
            int before = missingThere.size() + missingHere.size();
            for (String id : hereIds) {
                if (!thereIds.contains(id)) {
                    assertThat(missingThere.add(id)).as("ranges do not overlap").isTrue();
                }
            }
            for (String id : thereIds) {
                if (!hereIds.contains(id)) {
                    assertThat(missingHere.add(id)).as("ranges do not overlap").isTrue();
                }
            }
            assertThat(missingThere.size() + missingHere.size()).as("a range named holds a difference: " + range)
                    .isGreaterThan(before);
        }
        assertThat(missingThere).isEqualTo(hex(onlyHere));
        assertThat(missingHere).isEqualTo(hex(onlyThere));
        assertThat(descend(hereTree, thereTree)).as("the descent, one level at a time, finds the same ranges")
                .isEqualTo(ranges);
        assertThat(MerkleDifference.difference(thereTree, hereTree)).as("the same ranges seen from the other side")
                .extracting(MerkleDifference.Range::range)
                .containsExactlyElementsOf(ranges.stream().map(MerkleDifference.Range::range).toList());
    }

    @Test
    void theSameRecordsInAnyOrderMakeTheSameTree() {
        Random random = new Random(7);
        List<byte[]> ids = ids(random, 10_000);
        MerkleTree inOrder = tree(4, 3, ids);
        MerkleTree shuffled = tree(4, 3, shuffled(random, ids, List.of()));
        assertThat(MerkleDifference.difference(inOrder, shuffled)).isEmpty();
        assertThat(inOrder.count()).isEqualTo(10_000);
    }

    @Test
    void aStoreAgainstAnEmptyOneIsOneRange() {
        Random random = new Random(11);
        MerkleTree full = tree(4, 3, ids(random, 100_000));
        List<MerkleDifference.Range> ranges = MerkleDifference.difference(full, new MerkleTree(4, 3));
        assertThat(ranges).singleElement().satisfies(range -> {
            assertThat(range.range().prefixBits()).isZero();
            assertThat(range.countHere()).isEqualTo(100_000);
            assertThat(range.countThere()).isZero();
        });
    }

    @Test
    void recordsMissingHereAndThereAreListedByTheirLeavesNotAsTheWholeStore() {
        Random random = new Random(23);
        List<byte[]> ids = ids(random, 200_000);
        MerkleTree here = tree(4, 4, ids);
        MerkleTree there = tree(4, 4, ids);
        ids(random, 1_000).forEach(there::add);
        List<MerkleDifference.Range> ranges = descend(here, there);
        long listedHere = ranges.stream().mapToLong(MerkleDifference.Range::countHere).sum();
        long listedThere = ranges.stream().mapToLong(MerkleDifference.Range::countThere).sum();
        assertThat(listedThere - listedHere).isEqualTo(1_000);
        // ~1,000 leaves of ~3 records each: what a sync would list, not the 200,000 of the store.
        assertThat(listedHere).isLessThan(10_000);
        assertThat(ranges).allSatisfy(range -> assertThat(range.range().prefixBits()).isEqualTo(16));
    }

    @Test
    void oneRecordMoreIsOneLeafNamedByItsPrefix() {
        Random random = new Random(13);
        List<byte[]> ids = ids(random, 5_000);
        MerkleTree here = tree(4, 3, ids);
        MerkleTree there = tree(4, 3, ids);
        byte[] extra = HexFormat.of().parseHex("abc" + "1".repeat(61));
        there.add(extra);
        assertThat(MerkleDifference.difference(here, there)).singleElement().satisfies(range -> {
            assertThat(range.range().prefixBits()).isEqualTo(12);
            assertThat(range.range().firstId()).isEqualTo("abc" + "0".repeat(61));
            assertThat(range.range().lastId()).isEqualTo("abc" + "f".repeat(61));
            assertThat(range.range().contains(extra)).isTrue();
            assertThat(range.countThere() - range.countHere()).isEqualTo(1);
        });
    }

    @Test
    void treesOfOtherShapesAndBadIdsAreRefused() {
        assertThatThrownBy(() -> MerkleDifference.difference(new MerkleTree(4, 3), new MerkleTree(4, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerkleTree(4, 7)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MerkleTree(4, 3).add(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThat(MerkleTree.standard().depth()).isEqualTo(MerkleTree.STANDARD_DEPTH);
        assertThatThrownBy(() -> new MerkleDescent(4, 7)).isInstanceOf(IllegalArgumentException.class);
        MerkleDescent descent = new MerkleDescent(4, 3);
        assertThatThrownBy(() -> descent.answer(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void identicalStoresExchangeTheirRootsOnly() {
        Random random = new Random(17);
        List<byte[]> ids = ids(random, 20_000);
        MerkleDescent descent = new MerkleDescent(4, 4);
        MerkleTree here = tree(4, 4, ids);
        MerkleTree there = tree(4, 4, shuffled(random, ids, List.of()));
        descent.answer(MerkleDescent.read(here, descent.question()), MerkleDescent.read(there, descent.question()));
        assertThat(descent.isDone()).isTrue();
        assertThat(descent.ranges()).isEmpty();
        assertThat(descent.nodesRead()).isEqualTo(1);
    }

    @Test
    void oneDifferingRecordCostsOnePathFromTheRoot() {
        Random random = new Random(19);
        List<byte[]> ids = ids(random, 20_000);
        MerkleTree here = tree(4, 4, ids);
        MerkleTree there = tree(4, 4, ids);
        there.add(ids(random, 1).get(0));
        List<MerkleDifference.Range> ranges = descend(here, there);
        assertThat(ranges).singleElement().satisfies(range -> assertThat(range.range().prefixBits()).isEqualTo(16));
    }

    /** Walks both trees the way two nodes would, one question at a time. */
    static List<MerkleDifference.Range> descend(MerkleTree here, MerkleTree there) {
        MerkleDescent descent = new MerkleDescent(here.bitsPerLevel(), here.depth());
        int questions = 0;
        while (!descent.isDone()) {
            MerkleDescent.Question question = descent.question();
            descent.answer(MerkleDescent.read(here, question), MerkleDescent.read(there, question));
            questions++;
        }
        assertThat(questions).as("at most one question per level").isLessThanOrEqualTo(here.depth() + 1);
        return descent.ranges();
    }

    private static MerkleTree tree(int bits, int depth, List<byte[]> ids) {
        MerkleTree tree = new MerkleTree(bits, depth);
        ids.forEach(tree::add);
        return tree;
    }

    private static List<byte[]> ids(Random random, int n) {
        List<byte[]> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] id = new byte[32];
            random.nextBytes(id);
            ids.add(id);
        }
        return ids;
    }

    private static List<byte[]> shuffled(Random random, List<byte[]> a, List<byte[]> b) {
        List<byte[]> all = new ArrayList<>(a);
        all.addAll(b);
        Collections.shuffle(all, random);
        return all;
    }

    private static List<byte[]> within(IdRange range, List<byte[]> ids) {
        return ids.stream().filter(range::contains).toList();
    }

    private static Set<String> hex(List<byte[]> ids) {
        Set<String> hex = new HashSet<>();
        ids.forEach(id -> hex.add(HexFormat.of().formatHex(id)));
        return hex;
    }
}
