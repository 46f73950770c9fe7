package io.stemedb.wal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.metrics.WalMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** The replication gauges, as the configuration registers them. */
class WalConfigurationMetricsTest {

    @TempDir
    Path dir;

    @Test
    void fencedTermPrimaryModeAndCommitIndexAreGauges() throws Exception {
        WalProperties properties = new WalProperties(dir, "FAST_DAILY", DataSize.ofGigabytes(1), DataSize.ofMegabytes(1),
                true, new WalProperties.GroupCommit(4096, Duration.ZERO, 10_000),
                new WalProperties.Read(64, Duration.ofMillis(500)), new WalProperties.Recovery(true, Duration.ofSeconds(1)),
                new WalProperties.Retention(List.of("index"), 2, Duration.ZERO, 3));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WalConfiguration configuration = new WalConfiguration();
        WalMetrics metrics = configuration.walMetrics(registry);
        try (ChronicleJournal journal = configuration.chronicleJournal(properties, metrics, registry)) {
            GroupCommitter committer = configuration.groupCommitter(journal, properties, metrics, registry);
            try {
                assertThat(gauge(registry, "stemedb.wal.primary")).isZero();
                committer.setHardState(7, "node-a");
                committer.setPrimary(7, true);
                journal.raiseCommitIndex(42);
                assertThat(gauge(registry, "stemedb.wal.fenced.term")).isEqualTo(7);
                assertThat(gauge(registry, "stemedb.wal.primary")).isEqualTo(1);
                assertThat(gauge(registry, "stemedb.wal.commit.index")).isEqualTo(42);
                committer.fence(8);
                assertThat(gauge(registry, "stemedb.wal.primary")).isZero();
                assertThat(registry.get("stemedb.wal.truncations").counter().count()).isZero();
                assertThat(registry.get("stemedb.wal.entries.dropped").counter().count()).isZero();
                assertThat(registry.get("stemedb.wal.replica.appends").counter().count()).isZero();
            } finally {
                committer.close();
            }
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }
}
