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

    private static Assertion assertion(AssertionIndex index, long at, String value) {
        AssertionContent content = new AssertionContent("c", "p", "\"" + value + "\"", "agent", "1");
        Assertion assertion = new Assertion(ContentHash.of(content), content, at * 10, 1, at);
        index.apply(assertion);
        return assertion;
    }
}
