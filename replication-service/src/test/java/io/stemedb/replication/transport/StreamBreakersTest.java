package io.stemedb.replication.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.replication.consensus.ConsensusMessage;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stream to a member that refuses connections (a real socket, its port closed) trips that
 * member's breaker; while open, messages are dropped without a connection attempt; a reset by the
 * member's id closes it, and so does hearing from the member (half-open: the next send tries).
 */
class StreamBreakersTest {

    @Test
    void aMemberThatRefusesEveryStreamTripsItsBreakerAndAResetClosesIt() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", closedPort()).usePlaintext().build();
        StreamBreakers breakers = new StreamBreakers(Duration.ofMinutes(5), new SimpleMeterRegistry());
        PeerLinks links = new PeerLinks(peer -> peer.equals("b") ? channel : null, breakers);
        try {
            CircuitBreaker breaker = tripOpen(links, breakers, "b");
            assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isGreaterThanOrEqualTo(3);
            assertThat(breaker.getName()).isEqualTo("replication:b");

            long droppedBefore = links.dropped();
            long refusedBefore = breaker.getMetrics().getNumberOfNotPermittedCalls();
            Thread.sleep(300); // past the reconnect backoff, so the next send asks the breaker
            links.send(new ConsensusMessage.TimeoutNow("a", "b", 1));
            assertThat(links.dropped()).as("dropped while open").isGreaterThan(droppedBefore);
            assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).isGreaterThan(refusedBefore);

            assertThat(breakers.reset("b")).isPresent();
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(breakers.reset("nobody")).isEmpty();
            assertThat(breakers.all()).extracting(StreamBreakers::memberOf).containsExactly("b");
        } finally {
            links.close();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anAnswerFromTheMemberMakesTheStreamAttemptASuccess() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", silent.getLocalPort()).usePlaintext().build();
            StreamBreakers breakers = new StreamBreakers(Duration.ofMinutes(5), null);
            PeerLinks links = new PeerLinks(peer -> channel, breakers);
            try {
                links.heardFrom("c"); // no stream yet: nothing to record
                links.send(new ConsensusMessage.TimeoutNow("a", "c", 1));
                links.heardFrom("c");
                links.heardFrom("c"); // one attempt, one success
                CircuitBreaker.Metrics metrics = breakers.of("c").getMetrics();
                assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(1);
                assertThat(metrics.getNumberOfFailedCalls()).isZero();
            } finally {
                links.close();
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A node that starts after the primary tripped its breaker sends the primary pre-votes: the
     * primary must try a stream to it again at once, not after the breaker's wait (5 minutes here),
     * or the new node never hears a heartbeat and stays without a primary.
     */
    @Test
    void hearingFromAMemberWhoseBreakerIsOpenLetsTheNextSendTryAgain() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", closedPort()).usePlaintext().build();
        StreamBreakers breakers = new StreamBreakers(Duration.ofMinutes(5), null);
        PeerLinks links = new PeerLinks(peer -> channel, breakers);
        try {
            CircuitBreaker breaker = tripOpen(links, breakers, "d");

            links.heardFrom("d");
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
            long refusedBefore = breaker.getMetrics().getNumberOfNotPermittedCalls();
            links.send(new ConsensusMessage.TimeoutNow("a", "d", 1));
            assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).as("the send after it was let through")
                    .isEqualTo(refusedBefore);
        } finally {
            links.close();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A loopback port nothing listens on: every stream to it is refused. */
    private static int closedPort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Sends to {@code member} until its breaker opens (the streams are refused), at most 20 s. */
    private static CircuitBreaker tripOpen(PeerLinks links, StreamBreakers breakers, String member) throws InterruptedException {
        CircuitBreaker breaker = breakers.of(member);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (breaker.getState() != CircuitBreaker.State.OPEN && System.nanoTime() < deadline) {
            links.send(new ConsensusMessage.TimeoutNow("a", member, 1));
            Thread.sleep(50);
        }
        assertThat(breaker.getState()).as("after refused streams").isEqualTo(CircuitBreaker.State.OPEN);
        return breaker;
    }
}
