package io.stemedb.api.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AppendOnlyListTest {

    @Test
    void readersAlwaysSeeAGaplessPrefixWhileTheWriterGrowsTheArray() throws InterruptedException {
        AppendOnlyList<Integer> list = new AppendOnlyList<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get() && problem.get() == null) {
                List<Integer> snapshot = list.snapshot();
                for (int i = 0; i < snapshot.size(); i++) {
                    if (snapshot.get(i) == null || snapshot.get(i) != i) {
                        problem.set("element " + i + " was " + snapshot.get(i) + " in a snapshot of " + snapshot.size());
                        return;
                    }
                }
            }
        });
        reader.start();
        for (int i = 0; i < 200_000; i++) {
            list.add(i);
        }
        done.set(true);
        reader.join(10_000);
        assertThat(problem.get()).isNull();
        assertThat(list.size()).isEqualTo(200_000);
    }
}
