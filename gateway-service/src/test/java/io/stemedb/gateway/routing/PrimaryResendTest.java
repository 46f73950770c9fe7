package io.stemedb.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.proto.consensus.CommitUpdate;
import io.stemedb.proto.consensus.ConsensusControlGrpc;
import io.stemedb.proto.consensus.WatchCommitRequest;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A write that meets a node with no primary (an election) waits for this node's consensus to name
 * one and goes there; it does not wait for other 503s, and gives up after the configured wait. The
 * consensus is a real gRPC {@code WatchCommit} stream on a loopback port that the test feeds.
 */
class PrimaryResendTest {

    private static final URI LOCAL = URI.create("http://127.0.0.1:1");
    private static final URI OTHER = URI.create("http://127.0.0.1:2");

    private final List<StreamObserver<CommitUpdate>> watchers = new CopyOnWriteArrayList<>();
    private final CountDownLatch watching = new CountDownLatch(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Server server;
    private ManagedChannel channel;
    private PrimaryTracker tracker;

    @BeforeEach
    void startConsensus() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new ConsensusControlGrpc.ConsensusControlImplBase() {
                    @Override
                    public void watchCommit(WatchCommitRequest request, StreamObserver<CommitUpdate> updates) {
                        watchers.add(updates);
                        watching.countDown();
                    }
                })
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        tracker = new PrimaryTracker(channel, LOCAL);
        tracker.start();
        assertThat(watching.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        tracker.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aWriteThatMetAnElectionGoesToThePrimaryElectedMeanwhile() throws Exception {
        publish(3, "pre_candidate", "");
        List<URI> sentTo = new CopyOnWriteArrayList<>();
        // The election ends while the first answer is on its way back.
        ServerResponse answer = notPrimaryThenCreated(sentTo, () -> new Thread(() -> {
            sleep(300);
            publish(4, "replica", "127.0.0.1:2");
        }).start());
        assertThat(answer.statusCode().value()).isEqualTo(201);
        assertThat(sentTo).containsExactly(LOCAL, OTHER);
        assertThat(registry.get("stemedb_gateway_write_resends_total").tag("cause", "election").counter().count())
                .isEqualTo(1);
    }

    @Test
    void theNodeThatRefusedCanBeThePrimaryAgainInALaterTerm() throws Exception {
        publish(3, "pre_candidate", "");
        List<URI> sentTo = new CopyOnWriteArrayList<>();
        ServerResponse answer = notPrimaryThenCreated(sentTo, () -> publish(4, "primary", "127.0.0.1:1"));
        assertThat(answer.statusCode().value()).isEqualTo(201);
        assertThat(sentTo).containsExactly(LOCAL, LOCAL);
    }

    @Test
    void withNoPrimaryInTimeTheNotPrimaryAnswerStands() throws Exception {
        publish(3, "pre_candidate", "");
        PrimaryResend resend = new PrimaryResend(tracker, "http", Duration.ofMillis(300), registry);
        int[] calls = {0};
        ServerResponse answer = resend.filter(write(), request -> {
            calls[0]++;
            return notPrimary();
        });
        assertThat(answer.statusCode().value()).isEqualTo(503);
        assertThat(calls[0]).isEqualTo(1);
        assertThat(registry.get("stemedb_gateway_primary_wait_timeouts_total").counter().count()).isEqualTo(1);
    }

    @Test
    void anotherUnavailableAnswerIsNotWaitedOn() throws Exception {
        publish(3, "primary", "127.0.0.1:1");
        PrimaryResend resend = new PrimaryResend(tracker, "http", Duration.ofSeconds(20), registry);
        int[] calls = {0};
        long started = System.nanoTime();
        ServerResponse answer = resend.filter(write(), request -> {
            calls[0]++;
            return ServerResponse.status(503).header(PrimaryResend.REASON_HEADER, "replication_timeout").build();
        });
        assertThat(answer.statusCode().value()).isEqualTo(503);
        assertThat(calls[0]).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    /**
     * A write through a resend that waits up to 20 s: the first node it reaches answers
     * {@code not_primary} (after {@code meanwhile}), every later one 201; {@code sentTo} gets where
     * each attempt went.
     */
    private ServerResponse notPrimaryThenCreated(List<URI> sentTo, Runnable meanwhile) throws Exception {
        PrimaryResend resend = new PrimaryResend(tracker, "http", Duration.ofSeconds(20), registry);
        return resend.filter(write(), request -> {
            sentTo.add(target(request));
            if (sentTo.size() == 1) {
                meanwhile.run();
                return notPrimary();
            }
            return ServerResponse.status(201).build();
        });
    }

    private void publish(long term, String role, String primaryApi) {
        CommitUpdate update = CommitUpdate.newBuilder().setTerm(term).setRole(role).setPrimaryApi(primaryApi)
                .setPrimaryId(primaryApi.isEmpty() ? "" : "node-at-" + primaryApi).setWritable("primary".equals(role)).build();
        for (StreamObserver<CommitUpdate> watcher : watchers) {
            watcher.onNext(update);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tracker.state().term() != term && System.nanoTime() < deadline) {
            sleep(10);
        }
        assertThat(tracker.state().term()).isEqualTo(term);
    }

    private static ServerResponse notPrimary() {
        return ServerResponse.status(503).header(PrimaryResend.REASON_HEADER, "not_primary").build();
    }

    private static ServerRequest write() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/assert");
        request.setContent("{}".getBytes());
        return ServerRequest.create(request, List.of(new StringHttpMessageConverter()));
    }

    private static URI target(ServerRequest request) {
        return (URI) request.attribute(MvcUtils.GATEWAY_REQUEST_URL_ATTR).orElseThrow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
