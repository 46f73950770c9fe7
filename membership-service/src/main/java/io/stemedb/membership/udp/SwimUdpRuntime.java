package io.stemedb.membership.udp;

import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.swim.SwimCodec;
import io.stemedb.membership.swim.SwimConfig;
import io.stemedb.membership.swim.SwimListener;
import io.stemedb.membership.swim.SwimMessage;
import io.stemedb.membership.swim.SwimNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Selector;
import java.nio.channels.SelectionKey;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge around {@link SwimNode}: a UDP socket and one thread that owns the node. The thread
 * waits for a datagram or the next 10 ms tick, hands datagrams to the node, ticks it, and sends
 * what it emits; nothing else touches the node, so the state machine needs no locks. After each
 * turn it publishes an immutable snapshot of the members for readers (HTTP, metrics).
 *
 * <p>Addresses are {@code host:port} strings, as the protocol gossips them.
 */
public final class SwimUdpRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SwimUdpRuntime.class);
    private static final long TICK_MS = 10;
    private static final int MAX_DATAGRAM = 65_507;

    private final DatagramChannel channel;
    private final Selector selector;
    private final SwimNode node;
    private final String selfAddress;
    private final Thread loop;
    private final AtomicLong datagramsOut = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final java.util.Queue<java.util.function.Consumer<SwimNode>> tasks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile List<MemberView> members = List.of();
    private volatile long incarnation;
    private volatile boolean running = true;

    private SwimUdpRuntime(DatagramChannel channel, Selector selector, String nodeId, String selfAddress,
            SwimConfig config, SwimListener listener) {
        this.channel = channel;
        this.selector = selector;
        this.selfAddress = selfAddress;
        this.node = new SwimNode(nodeId, selfAddress, config, new Random(new SecureRandom().nextLong()), this::send,
                listener);
        this.loop = new Thread(this::run, "swim-" + nodeId);
        this.loop.setDaemon(true);
    }

    /**
     * Binds {@code bind} (port 0 picks a free one), starts the protocol thread and joins through
     * the seeds.
     *
     * @param advertiseHost the host others reach this node at (the bind address unless it is a wildcard)
     */
    public static SwimUdpRuntime start(String nodeId, InetSocketAddress bind, String advertiseHost, List<String> seeds,
            Map<String, String> metadata, SwimConfig config, SwimListener listener) {
        try {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(bind);
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            String self = advertiseHost + ":" + port;
            SwimUdpRuntime runtime = new SwimUdpRuntime(channel, selector, nodeId, self, config, listener);
            runtime.node.start(seeds, metadata, nowMillis());
            runtime.loop.start();
            log.info("SWIM member {} listening on udp {} (seeds {})", nodeId, self, seeds);
            return runtime;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind SWIM to udp " + bind, e);
        }
    }

    private static long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        long nextTick = nowMillis();
        while (running) {
            try {
                long wait = Math.max(1, nextTick - nowMillis());
                selector.select(wait);
                selector.selectedKeys().clear();
                while (true) {
                    buffer.clear();
                    if (channel.receive(buffer) == null) {
                        break;
                    }
                    SwimMessage message;
                    try {
                        message = SwimCodec.decode(buffer.array(), buffer.position());
                    } catch (IllegalArgumentException e) {
                        malformed.incrementAndGet();
                        continue;
                    }
                    node.receive(message, nowMillis());
                }
                for (java.util.function.Consumer<SwimNode> task = tasks.poll(); task != null; task = tasks.poll()) {
                    task.accept(node);
                }
                long now = nowMillis();
                if (now >= nextTick) {
                    node.tick(now);
                    nextTick = now + TICK_MS;
                    members = List.copyOf(node.members());
                    incarnation = node.incarnation();
                }
            } catch (IOException e) {
                if (running) {
                    log.warn("SWIM socket error: {}", e.toString());
                }
            } catch (RuntimeException e) {
                log.error("SWIM protocol step failed; continuing", e);
            }
        }
    }

    /** Called on the protocol thread only (the node's transport). */
    private void send(String address, SwimMessage message) {
        byte[] datagram = SwimCodec.encode(message);
        int colon = address.lastIndexOf(':');
        try {
            InetSocketAddress target = new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1)));
            channel.send(ByteBuffer.wrap(datagram), target);
            datagramsOut.incrementAndGet();
            bytesOut.addAndGet(datagram.length);
        } catch (IOException | RuntimeException e) {
            // UDP: a send that fails is a lost message, which the protocol is built to survive.
            log.debug("SWIM send to {} failed: {}", address, e.toString());
        }
    }

    /**
     * Replaces this node's announced metadata (gossiped with a new incarnation); applied on the
     * protocol thread within one turn.
     */
    public void announce(Map<String, String> metadata) {
        tasks.add(swim -> swim.updateMetadata(metadata));
        selector.wakeup();
    }

    /** Removes a member (see {@link SwimNode#remove}); waits up to 2 s for the protocol thread. */
    public boolean remove(String id) {
        java.util.concurrent.CompletableFuture<Boolean> done = new java.util.concurrent.CompletableFuture<>();
        tasks.add(swim -> {
            boolean removed = swim.remove(id, nowMillis());
            // Readers see the member list published at each tick; publish now, before answering,
            // so the removal's caller never reads the removed member back.
            members = List.copyOf(swim.members());
            done.complete(removed);
        });
        selector.wakeup();
        try {
            return done.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the SWIM protocol thread did not answer: " + e, e);
        }
    }

    public String address() {
        return selfAddress;
    }

    public String nodeId() {
        return node.id();
    }

    /** This node's own incarnation (raised each time it refutes a suspicion or rejoins). */
    public long incarnation() {
        return incarnation;
    }

    /** The members as of the last protocol turn (at most 10 ms old). */
    public List<MemberView> members() {
        return members;
    }


    public long bytesOut() {
        return bytesOut.get();
    }

    public long malformedDatagrams() {
        return malformed.get();
    }

    /** Leaves gracefully (tells the others) unless {@code crash} is set, then closes the socket. */
    public void stop(boolean leave) {
        if (!running) {
            return;
        }
        running = false;
        selector.wakeup();
        try {
            loop.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (leave) {
            node.leave(nowMillis());
        }
        try {
            selector.close();
            channel.close();
        } catch (IOException e) {
            log.debug("closing the SWIM socket: {}", e.toString());
        }
    }

    @Override
    public void close() {
        stop(true);
    }
}
