package io.stemedb.membership.udp;

import io.stemedb.membership.swim.Envelope;
import io.stemedb.membership.swim.MemberChange;
import io.stemedb.membership.swim.MemberView;
import io.stemedb.membership.swim.SwimCodec;
import io.stemedb.membership.swim.SwimConfig;
import io.stemedb.membership.swim.SwimMessage;
import io.stemedb.membership.swim.SwimNode;
import io.stemedb.membership.swim.SwimOutput;
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
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge around {@link SwimNode}: a UDP socket, the clocks, and one thread that owns the node.
 * The thread waits for a datagram or the next 10 ms tick, hands datagrams to the node, ticks it,
 * and after every input drains the node's {@link SwimOutput}: sends its messages, then tells the
 * listener of its membership changes. Nothing else touches the node, so the state machine needs no
 * locks. After each turn it publishes an immutable snapshot of the members for readers (HTTP,
 * metrics).
 *
 * <p>Protocol time is {@link System#nanoTime()} in milliseconds (monotonic: a wall-clock step
 * must not fire or stall timeouts); the node's wall clock, for clock-offset estimates only, is
 * {@link System#currentTimeMillis()}.
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
    private final Consumer<MemberChange> listener;
    private final Queue<Consumer<SwimNode>> tasks = new ConcurrentLinkedQueue<>();
    private volatile List<MemberView> members = List.of();
    private volatile long incarnation;
    private volatile boolean running = true;

    private SwimUdpRuntime(DatagramChannel channel, Selector selector, String nodeId, String selfAddress,
            SwimConfig config, Consumer<MemberChange> listener) {
        this.channel = channel;
        this.selector = selector;
        this.selfAddress = selfAddress;
        this.listener = listener;
        this.node = new SwimNode(nodeId, selfAddress, config, new Random(new SecureRandom().nextLong()),
                System::currentTimeMillis);
        this.loop = new Thread(this::run, "swim-" + nodeId);
        this.loop.setDaemon(true);
    }

    /**
     * Binds {@code bind} (port 0 picks a free one), starts the protocol thread and joins through
     * the seeds.
     *
     * @param advertiseHost the host others reach this node at (the bind address unless it is a wildcard)
     * @param listener      told of every membership change, on the protocol thread (keep it quick)
     */
    public static SwimUdpRuntime start(String nodeId, InetSocketAddress bind, String advertiseHost, List<String> seeds,
            Map<String, String> metadata, SwimConfig config, Consumer<MemberChange> listener) {
        try {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(bind);
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            String self = advertiseHost + ":" + port;
            SwimUdpRuntime runtime = new SwimUdpRuntime(channel, selector, nodeId, self, config, listener);
            // The loop thread does not run yet, so this thread may still drive the node.
            runtime.node.start(seeds, metadata, nowMillis());
            runtime.flush();
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
                    flush();
                }
                for (Consumer<SwimNode> task = tasks.poll(); task != null; task = tasks.poll()) {
                    task.accept(node);
                    flush();
                }
                long now = nowMillis();
                if (now >= nextTick) {
                    node.tick(now);
                    flush();
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

    /**
     * Carries out what the node asked for since its last input: sends, then changes. Only on the
     * thread that owns the node.
     */
    private void flush() {
        SwimOutput output = node.drain();
        for (Envelope envelope : output.messages()) {
            send(envelope.address(), envelope.message());
        }
        if (!output.changes().isEmpty()) {
            // Listeners read the published list (a watcher streams it at once): publish before telling
            // them, or they would read the list of the last tick and miss this change until the next.
            members = List.copyOf(node.members());
        }
        for (MemberChange change : output.changes()) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.warn("SWIM membership listener failed on {}", change, e);
            }
        }
    }

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
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        tasks.add(swim -> {
            boolean removed = swim.remove(id, nowMillis());
            // Readers see the member list published at each tick; publish now, before answering,
            // so the removal's caller never reads the removed member back.
            members = List.copyOf(swim.members());
            done.complete(removed);
        });
        selector.wakeup();
        try {
            return done.get(2, TimeUnit.SECONDS);
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

    /** Leaves gracefully (tells the others) if {@code leave}, else just goes silent (a crash, to the others); then closes the socket. */
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
        if (leave && loop.isAlive()) {
            // Driving the node from here while its thread still runs would race on its state.
            log.warn("SWIM protocol thread did not stop within 2 s; leaving without a goodbye");
        } else if (leave) {
            // The loop thread has ended, so this thread may drive the node for the goodbye; the
            // socket is still open for it.
            node.leave(nowMillis());
            flush();
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
