package io.stemedb.membership.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.membership.config.MembershipProperties;
import io.stemedb.membership.service.SwimService;
import io.stemedb.proto.membership.ListMembersRequest;
import io.stemedb.proto.membership.MemberList;
import io.stemedb.proto.membership.MembershipGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code Membership} contract's watch over a real SWIM node (UDP on loopback) and a gRPC
 * server on loopback: a watcher gets the list at once, and a service that begins to shut down ends its
 * watches, so its gRPC server stops at once instead of waiting out its grace period for streams
 * whose clients are still running.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class MembershipGrpcServiceTest {

    @Test
    void aWatchGetsTheListAtOnceAndEndsWhenTheServiceBeginsToShutDown() throws Exception {
        MembershipProperties properties = new MembershipProperties(true, "solo", List.of(),
                new MembershipProperties.Swim("127.0.0.1", 0, null, Duration.ofSeconds(1), Duration.ofMillis(500),
                        Duration.ofSeconds(1)), null, Duration.ofMinutes(5));
        try (SwimService swim = new SwimService(properties, new SimpleMeterRegistry())) {
            MembershipGrpcService membership = new MembershipGrpcService(swim, properties.watchInterval());
            Server server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(membership).build()
                    .start();
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.getPort(),
                    InsecureChannelCredentials.create()).build();
            try {
                AtomicInteger lists = new AtomicInteger();
                CountDownLatch first = new CountDownLatch(1);
                CountDownLatch ended = new CountDownLatch(1);
                MembershipGrpc.newStub(channel).watchMembers(ListMembersRequest.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(MemberList members) {
                        lists.incrementAndGet();
                        first.countDown();
                    }

                    @Override
                    public void onError(Throwable error) {}

                    @Override
                    public void onCompleted() {
                        ended.countDown();
                    }
                });
                assertThat(first.await(10, TimeUnit.SECONDS)).as("the list at once, not after the 5 min interval").isTrue();

                membership.endWatches();
                assertThat(ended.await(10, TimeUnit.SECONDS)).as("the watch completed by the server").isTrue();
                server.shutdown();
                assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).as("no stream left to hold the shutdown").isTrue();
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
            }
        }
    }
}
