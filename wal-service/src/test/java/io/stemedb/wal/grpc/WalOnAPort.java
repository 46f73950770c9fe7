package io.stemedb.wal.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.proto.wal.WalGrpc;
import io.stemedb.wal.config.WalProperties;
import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.JournalOptions;
import io.stemedb.wal.metrics.WalMetrics;
import io.stemedb.wal.retention.RetentionFloors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.springframework.util.unit.DataSize;

/**
 * The wal-service's gRPC service on a real port, wired as {@code WalConfiguration} wires it, with
 * the read poll interval long enough that a stream which moves at all was woken, not polled.
 */
final class WalOnAPort implements AutoCloseable {

    static final Duration POLL = Duration.ofSeconds(20);

    final MeterRegistry registry = new SimpleMeterRegistry();
    final ChronicleJournal journal;
    final GroupCommitter committer;
    private final ReadStreams reads;
    private final Server server;
    private final ManagedChannel channel;

    WalOnAPort(Path dir) throws IOException {
        WalProperties properties = new WalProperties(dir, "FAST_DAILY", DataSize.ofGigabytes(1), DataSize.ofMegabytes(1),
                true, new WalProperties.GroupCommit(4096, Duration.ZERO, 10_000), new WalProperties.Read(64, POLL),
                new WalProperties.Recovery(true, Duration.ofSeconds(1)),
                new WalProperties.Retention(List.of("index"), 2, Duration.ZERO, 3));
        WalMetrics metrics = new WalMetrics(registry);
        journal = ChronicleJournal.open(dir, new JournalOptions(RollCycles.FAST_DAILY, true, 0, 3), metrics,
                SystemTimeProvider.INSTANCE);
        committer = new GroupCommitter(journal, TermFence.load(dir),
                new GroupCommitSettings(4096, Duration.ZERO, 10_000, true, Duration.ofSeconds(1)), metrics);
        reads = new ReadStreams(journal, properties);
        reads.start();
        server = ServerBuilder.forPort(0)
                .addService(new WalGrpcService(committer, journal, reads, new RetentionFloors(Set.of("index")), properties))
                .build()
                .start();
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    WalGrpc.WalBlockingStub blocking() {
        return WalGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    WalGrpc.WalStub async() {
        return WalGrpc.newStub(channel);
    }

    double counter(String name) {
        return registry.get(name).counter().count();
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.shutdownNow();
        committer.close();
        // Closing the journal wakes streams waiting on it at once (the poll interval is long).
        journal.close();
        reads.stop();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }
}
