package io.stemedb.api.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Readers take snapshots while the writer appends and grows the array under them: every snapshot
 * is a gapless prefix. A publication bug opens a window of nanoseconds, so the writer fills many
 * small lists, each crossing every growth step up to {@value #ELEMENTS_PER_LIST} elements, while
 * the readers snapshot whichever list is being filled (small snapshots are fast, so they land in
 * such windows often). The readers run before the writer starts, and the test checks that they
 * saw lists mid-fill, so it cannot pass by reading only before or after the writing.
 */
class AppendOnlyListTest {

    private static final int LISTS = 30_000;
    private static final int ELEMENTS_PER_LIST = 256;
    private static final int READERS = 2;

    @Test
    void readersAlwaysSeeAGaplessPrefixWhileTheWriterGrowsTheArray() throws InterruptedException {
        AtomicReference<AppendOnlyList<Integer>> filling = new AtomicReference<>(new AppendOnlyList<>());
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicLong snapshotsMidFill = new AtomicLong();
        CountDownLatch readersRunning = new CountDownLatch(READERS);
        Thread[] readers = new Thread[READERS];
        for (int r = 0; r < READERS; r++) {
            readers[r] = new Thread(() -> {
                readersRunning.countDown();
                while (!done.get() && problem.get() == null) {
                    List<Integer> snapshot = filling.get().snapshot();
                    if (snapshot.size() > 0 && snapshot.size() < ELEMENTS_PER_LIST) {
                        snapshotsMidFill.incrementAndGet();
                    }
                    for (int i = 0; i < snapshot.size(); i++) {
                        Integer element = snapshot.get(i);
                        if (element == null || element != i) {
                            problem.set("element " + i + " was " + element + " in a snapshot of " + snapshot.size());
                            return;
                        }
                    }
                }
            }, "append-only-list-reader-" + r);
            readers[r].start();
        }
        assertThat(readersRunning.await(10, TimeUnit.SECONDS)).isTrue();
        AppendOnlyList<Integer> last = null;
        for (int round = 0; round < LISTS && problem.get() == null; round++) {
            AppendOnlyList<Integer> list = new AppendOnlyList<>();
            filling.set(list);
            for (int i = 0; i < ELEMENTS_PER_LIST; i++) {
                list.add(i);
            }
            last = list;
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join(10_000);
        }
        assertThat(problem.get()).isNull();
        assertThat(last.size()).isEqualTo(ELEMENTS_PER_LIST);
        assertThat(snapshotsMidFill.get()).as("snapshots the readers took of a list while it was being filled")
                .isGreaterThan(1_000);
    }
}
