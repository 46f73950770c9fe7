package io.stemedb.wal.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalOptions;
import io.stemedb.wal.retention.RetentionFloors;
import io.stemedb.wal.retention.RetentionTask;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import io.stemedb.wal.metrics.WalMetrics;
import net.openhft.chronicle.queue.RollCycles;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WalProperties.class)
public class WalConfiguration {

    @Bean
    WalMetrics walMetrics(MeterRegistry registry) {
        return new WalMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    ChronicleJournal chronicleJournal(WalProperties properties, WalMetrics metrics, MeterRegistry registry) {
        ChronicleJournal journal = ChronicleJournal.open(properties.dir(), new JournalOptions(
                RollCycles.valueOf(properties.rollCycle()), properties.recovery().cutDamagedTail(),
                properties.segmentMaxSize().toBytes(), properties.retention().keepTruncations()), metrics,
                SystemTimeProvider.INSTANCE);
        // Present from start-up, so alerts on it see a series before the first failure.
        metrics.segmentOpened(journal.currentSegmentName(), false);
        Gauge.builder("stemedb.wal.last.durable.index", journal, ChronicleJournal::durableIndex)
                .description("Highest journal index known to be on disk")
                .register(registry);
        Gauge.builder("stemedb.wal.commit.index", journal, ChronicleJournal::commitIndex)
                .description("Commit index the consensus set (volatile: 0 after a restart until it is set again)")
                .register(registry);
        return journal;
    }

    @Bean
    RetentionFloors retentionFloors(WalProperties properties) {
        return new RetentionFloors(new java.util.HashSet<>(properties.retention().requiredConsumers()));
    }

    @Bean(destroyMethod = "close")
    RetentionTask retentionTask(ChronicleJournal journal, RetentionFloors floors, WalProperties properties,
            MeterRegistry registry) {
        Gauge.builder("stemedb.wal.first.index", journal, ChronicleJournal::firstIndex)
                .description("Lowest journal index still on disk (retention deletes below it)")
                .register(registry);
        return new RetentionTask(journal, floors, properties.retention().keepSegments(),
                properties.retention().checkInterval(), registry);
    }

    @Bean(destroyMethod = "close")
    GroupCommitter groupCommitter(ChronicleJournal journal, WalProperties properties, WalMetrics metrics,
            MeterRegistry registry) {
        WalProperties.GroupCommit settings = properties.groupCommit();
        TermFence fence = TermFence.load(properties.dir());
        GroupCommitter committer = new GroupCommitter(journal, fence, new GroupCommitSettings(
                settings.maxBatchEntries(), settings.maxWait(), settings.maxPendingAppends(),
                properties.logFsyncErrors(), properties.recovery().retryInterval()), metrics);
        Gauge.builder("stemedb.wal.fenced.term", committer, GroupCommitter::fencedTerm)
                .description("Highest term the wal-service has been fenced at; appends of lower terms are refused")
                .register(registry);
        Gauge.builder("stemedb.wal.primary", committer, c -> c.isPrimary() ? 1 : 0)
                .description("1 while the journal is in primary mode (takes term-0 appends), else 0")
                .register(registry);
        Gauge.builder("stemedb.wal.writable", committer, c -> c.failure() == null ? 1 : 0)
                .description("1 while the journal accepts appends, 0 after a write or fsync failure")
                .register(registry);
        return committer;
    }
}
