package io.stemedb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.stemedb.common.consensus.CommitWatch;
import io.stemedb.proto.consensus.CommitUpdate;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.proto.consensus.WatchCommitRequest;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The api's watch of its node's consensus connects as soon as the replication-service is up,
 * however long it was down: the embedded node starts the api first, and the channel's own
 * reconnect backoff (1 s, growing 1.6 times per failure) had the node's health wait seconds for a
 * replication-service that was already answering.
 */
class CommitWatchReconnectTest {

    @Test
    void aServiceThatComesUpLateIsWatchedWithinTheRetryInterval() throws Exception {
        String name = "commit-watch-" + UUID.randomUUID();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        Server server = null;
        try (CommitWatch watch = new CommitWatch(channel)) {
            watch.start();
            // Long enough for the channel's backoff to pass 5 s between attempts (0, ~1, ~2.6, ~5.2, ~9.3, ~15.9 s).
            Thread.sleep(11_000);
            assertThat(watch.state().connected()).isFalse();

            server = InProcessServerBuilder.forName(name).directExecutor().addService(new OneUpdate()).build().start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!watch.state().connected() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(watch.state().connected()).as("connected within 2 s of the service starting").isTrue();
            assertThat(watch.state().term()).isEqualTo(7);
        } finally {
            if (server != null) {
                server.shutdownNow();
            }
            channel.shutdownNow();
        }
    }

    /** Answers a watch with one update and keeps the stream open. */
    private static final class OneUpdate extends ConsensusControlGrpc.ConsensusControlImplBase {
        @Override
        public void watchCommit(WatchCommitRequest request, StreamObserver<CommitUpdate> updates) {
            updates.onNext(CommitUpdate.newBuilder().setTerm(7).setCommitIndex(3).setRole("primary").build());
        }
    }
}
