package io.stemedb.api.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.Vote;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexSnapshotsTest {

    @TempDir
    Path dir;

    @Test
    void aSnapshotRestoresEveryRecordAndADamagedOneFallsBackToTheOlder() throws Exception {
        AssertionIndex source = new AssertionIndex(new SimpleMeterRegistry());
        IndexSnapshots writer = new IndexSnapshots(dir, source, new SimpleMeterRegistry());
        Assertion first = assertion(source, 1, "a");
        source.apply(new Vote("v1", first.id(), "agent", 1, 20, 1, 2));
        source.apply(new Epoch(1, "one", 30, 1, 3));
        assertThat(writer.write()).isEqualTo(3);
        assertion(source, 4, "b");
        assertThat(writer.write()).isEqualTo(4);

        AssertionIndex restored = new AssertionIndex(new SimpleMeterRegistry());
        assertThat(new IndexSnapshots(dir, restored, new SimpleMeterRegistry()).loadNewest()).isEqualTo(4);
        assertThat(restored.records()).isEqualTo(source.records());
        assertThat(restored.assertion(first.id()).netVotesAt(restored.currentCut())).isEqualTo(1);
        assertThat(restored.epoch(1).label()).isEqualTo("one");

        Path newest;
        try (Stream<Path> files = Files.list(dir)) {
            newest = files.max(Path::compareTo).orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.seek(file.length() - 10);
            int b = file.read();
            file.seek(file.length() - 10);
            file.write(b ^ 0x40);
        }
        AssertionIndex fallback = new AssertionIndex(new SimpleMeterRegistry());
        assertThat(new IndexSnapshots(dir, fallback, new SimpleMeterRegistry()).loadNewest()).isEqualTo(3);
        assertThat(fallback.records()).hasSize(3);
    }

    @Test
    void aSnapshotOfManyChunksRestoresEveryRecordInOrder() throws Exception {
        AssertionIndex source = new AssertionIndex(new SimpleMeterRegistry());
        for (long at = 1; at <= 20_000; at++) {
            assertion(source, at, "v" + at, "c" + (at % 37), "p" + (at % 11), "agent-" + (at % 3));
        }
        new IndexSnapshots(dir, source, new SimpleMeterRegistry()).write();

        AssertionIndex restored = new AssertionIndex(new SimpleMeterRegistry());
        assertThat(new IndexSnapshots(dir, restored, new SimpleMeterRegistry()).loadNewest()).isEqualTo(20_000);
        assertThat(restored.records()).isEqualTo(source.records());
        assertThat(restored.assertionCount()).isEqualTo(20_000);
        assertThat(restored.concept("c5").predicate("p5").all()).hasSize(source.concept("c5").predicate("p5").all().size());
    }

    @Test
    void anApplyThatFailsHalfWayStopsTheLoadAndItsDecoder() throws Exception {
        AssertionIndex source = new AssertionIndex(new SimpleMeterRegistry());
        for (long at = 1; at <= 50_000; at++) {
            assertion(source, at, "v" + at, "c", "p" + at, "agent");
        }
        Path file = SnapshotFile.write(dir, 50_000, source.records());
        java.util.concurrent.atomic.AtomicLong applied = new java.util.concurrent.atomic.AtomicLong();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SnapshotFile.read(file, count -> { }, record -> {
            if (applied.incrementAndGet() == 5_000) {
                throw new IllegalStateException("index refused");
            }
        })).hasMessage("index refused");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (decoderThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(decoderThreads()).as("the decoding thread ends with the load").isZero();
        assertThat(applied.get()).isEqualTo(5_000);
    }

    private static long decoderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("index-snapshot-decoder")).count();
    }

    private static Assertion assertion(AssertionIndex index, long at, String value) {
        return assertion(index, at, value, "c", "p", "agent");
    }

    private static Assertion assertion(AssertionIndex index, long at, String value, String concept, String predicate,
            String agent) {
        AssertionContent content = new AssertionContent(concept, predicate, "\"" + value + "\"", agent, "1");
        Assertion assertion = new Assertion(ContentHash.of(content), content, at * 10, 1, at);
        index.apply(assertion);
        return assertion;
    }
}
