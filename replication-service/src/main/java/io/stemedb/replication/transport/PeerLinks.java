package io.stemedb.replication.transport;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.stemedb.proto.consensus.ConsensusPeerGrpc;
import io.stemedb.proto.consensus.DeliverSummary;
import io.stemedb.proto.consensus.PeerMessage;
import io.stemedb.replication.consensus.ConsensusMessage;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of the transport: one long-lived {@code Deliver} stream to each peer, fed
 * from a bounded queue and only as fast as gRPC's flow control says the peer takes. A full queue
 * drops its oldest message and a broken stream is opened again on the next send: the consensus
 * expects messages to be lost and resends what matters (heartbeats, probes, retried votes). Each
 * stream has a circuit breaker ({@link StreamBreakers}): opening a stream is an attempt, which the
 * member's first answer (on its own stream back, {@link #heardFrom}) makes a success and a break
 * before that a failure; while the breaker is open no stream is opened and messages are dropped,
 * until the breaker's wait is over or the member is heard from: a member that sends us anything is
 * up, so its breaker goes half-open at once and the next send tries a stream again. Without that a
 * member that was down when this node first streamed to it (a node starting after the others)
 * would hear nothing from the primary for the whole wait and campaign in vain.
 */
public final class PeerLinks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PeerLinks.class);
    static final int QUEUE_LIMIT = 4096;
    private static final long RECONNECT_BACKOFF_NANOS = 200_000_000L;

    private final Function<String, ManagedChannel> channels;
    private final StreamBreakers breakers;
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** @param channels the channel to a peer by its id (null when its address is unknown) */
    public PeerLinks(Function<String, ManagedChannel> channels, StreamBreakers breakers) {
        this.channels = channels;
        this.breakers = breakers;
    }

    /**
     * A message from {@code peer} arrived: the stream to it works (if one is being tried), and a
     * breaker opened for it lets the next send try again.
     */
    public void heardFrom(String peer) {
        Link link = links.get(peer);
        if (link != null) {
            link.answered();
        }
    }

    public void send(ConsensusMessage message) {
        Link link = links.computeIfAbsent(message.to(), Link::new);
        link.enqueue(PeerMessages.toWire(message));
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    /** Messages dropped for a full queue or a peer that could not be reached. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        links.values().forEach(Link::close);
        links.clear();
    }

    /** The stream to one peer. */
    private final class Link {

        private final String peer;
        private final ArrayDeque<PeerMessage> queue = new ArrayDeque<>();
        private final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
        private ClientCallStreamObserver<PeerMessage> stream;
        private long retryAfter;
        /** When the stream being tried was opened; 0 once the attempt is recorded. */
        private long attemptStarted;

        Link(String peer) {
            this.peer = peer;
            this.breaker = breakers.of(peer);
        }

        synchronized void answered() {
            if (breaker.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
                breaker.transitionToHalfOpenState();
                retryAfter = System.nanoTime();
            }
            if (attemptStarted != 0) {
                breaker.onSuccess(System.nanoTime() - attemptStarted, java.util.concurrent.TimeUnit.NANOSECONDS);
                attemptStarted = 0;
            }
        }

        synchronized void enqueue(PeerMessage message) {
            if (queue.size() >= QUEUE_LIMIT) {
                queue.pollFirst();
                dropped.incrementAndGet();
            }
            queue.addLast(message);
            if (stream == null) {
                open();
            }
            drain();
        }

        private void open() {
            if (System.nanoTime() - retryAfter < 0) {
                return;
            }
            ManagedChannel channel = channels.apply(peer);
            if (channel == null) {
                dropped.addAndGet(queue.size());
                queue.clear();
                retryAfter = System.nanoTime() + RECONNECT_BACKOFF_NANOS;
                return;
            }
            if (!breaker.tryAcquirePermission()) {
                dropped.addAndGet(queue.size());
                queue.clear();
                retryAfter = System.nanoTime() + RECONNECT_BACKOFF_NANOS;
                return;
            }
            attemptStarted = System.nanoTime();
            ConsensusPeerGrpc.newStub(channel).deliver(new ClientResponseObserver<PeerMessage, DeliverSummary>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<PeerMessage> requestStream) {
                    synchronized (Link.this) {
                        stream = requestStream;
                    }
                    requestStream.setOnReadyHandler(() -> {
                        synchronized (Link.this) {
                            drain();
                        }
                    });
                }

                @Override
                public void onNext(DeliverSummary summary) {}

                @Override
                public void onError(Throwable error) {
                    broken(error);
                }

                @Override
                public void onCompleted() {
                    broken(null);
                }
            });
        }

        private synchronized void broken(Throwable error) {
            if (error != null) {
                log.debug("consensus stream to {} broke: {}", peer, error.toString());
            }
            stream = null;
            retryAfter = System.nanoTime() + RECONNECT_BACKOFF_NANOS;
            if (attemptStarted != 0) {
                long took = System.nanoTime() - attemptStarted;
                if (error != null) {
                    breaker.onError(took, java.util.concurrent.TimeUnit.NANOSECONDS, error);
                } else {
                    breaker.releasePermission();
                }
                attemptStarted = 0;
            }
        }

        /** Sends what the queue holds while the stream takes more. Holds the lock. */
        private void drain() {
            ClientCallStreamObserver<PeerMessage> current = stream;
            while (current != null && current.isReady() && !queue.isEmpty()) {
                PeerMessage message = queue.pollFirst();
                try {
                    current.onNext(message);
                    bytesSent.addAndGet(message.getSerializedSize());
                } catch (RuntimeException e) {
                    broken(e);
                    return;
                }
            }
        }

        synchronized void close() {
            if (stream != null) {
                try {
                    stream.onCompleted();
                } catch (RuntimeException alreadyBroken) {
                    // nothing to finish
                }
                stream = null;
            }
            queue.clear();
        }
    }
}
