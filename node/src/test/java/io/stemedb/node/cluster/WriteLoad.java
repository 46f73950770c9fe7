package io.stemedb.node.cluster;

import io.stemedb.node.testing.TestHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Concurrent writers, each sending unique assertions through the gateway of a node picked at
 * random, recording every acknowledgement (id → log index) and every write a node answered
 * {@code replication_timeout} for (durable there, not acknowledged: it must not be lost either).
 * Two acknowledgements of one index for different ids are recorded as conflicts.
 *
 * <p>The writers share a rate: a cluster packed onto one small machine (the tests run 3 to 5 nodes
 * on 2 cores) and kept saturated leaves a restarting node a sliver of the CPU, so it took minutes
 * to start, where on a machine of its own it takes seconds. Concurrency is what these tests need
 * (several writes in flight when a node dies), not saturation.
 */
final class WriteLoad implements AutoCloseable {

    private final LocalCluster cluster;
    private final ExecutorService writers;
    private final List<Future<?>> running = new ArrayList<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    private final Map<Long, String> byIndex = new ConcurrentHashMap<>();
    private final Set<String> durableUnacknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> conflicts = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong failed = new AtomicLong();
    /** A node the writers leave out, as a load balancer whose health checks fail drains it; -1 none. */
    private volatile int avoided = -1;

    /** Between two writes of one writer: {@code count} writers share the rate. */
    private final long intervalNanos;

    private WriteLoad(LocalCluster cluster, int count, int writesPerSecond) {
        this.cluster = cluster;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(count) / writesPerSecond;
        this.writers = Executors.newFixedThreadPool(count);
        for (int w = 0; w < count; w++) {
            int writer = w;
            running.add(writers.submit(() -> write(writer, count)));
        }
    }

    /** Starts {@code count} writers sending {@code writesPerSecond} writes a second between them, at most. */
    static WriteLoad start(LocalCluster cluster, int count, int writesPerSecond) {
        return new WriteLoad(cluster, count, writesPerSecond);
    }

    private Void write(int writer, int count) throws InterruptedException {
        Random random = new Random(writer);
        TestHttp client = TestHttp.withKey(cluster.adminKey());
        int nodes = cluster.members().size();
        // Each writer starts at its own phase of the interval, so their writes interleave.
        long next = System.nanoTime() + intervalNanos * writer / count;
        for (long n = 0; writing.get(); n++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            // Behind (a slow answer): go on from now rather than burst to make up for it.
            next = Math.max(next, System.nanoTime() - intervalNanos) + intervalNanos;
            int pick = random.nextInt(nodes);
            if (pick == avoided) {
                pick = (pick + 1) % nodes;
            }
            LocalCluster.Member through = cluster.member(pick);
            try {
                TestHttp.Response answer = client.postJson(through.gatewayUrl() + "/v1/assert", assertion("w" + writer, n));
                if (answer.status() == 201 || answer.status() == 200) {
                    String id = answer.json().get("id").stringValue();
                    long index = answer.json().get("index").asLong();
                    acknowledged.put(id, index);
                    String other = byIndex.putIfAbsent(index, id);
                    if (other != null && !other.equals(id)) {
                        conflicts.add("index " + index + " acknowledged for " + other + " and " + id);
                    }
                } else {
                    failed.incrementAndGet();
                    JsonNode body = answer.json();
                    if (body != null && "replication_timeout".equals(body.path("reason").asString(""))) {
                        body.path("ids").forEach(id -> durableUnacknowledged.add(id.asString()));
                    }
                }
            } catch (IOException e) {
                failed.incrementAndGet(); // the node it went through is down, stopped or cut off
            }
        }
        return null;
    }

    static String assertion(String writer, long n) {
        return "{\"concept_path\":\"replicated/" + writer + "\",\"predicate\":\"p" + n + "\",\"value\":" + n
                + ",\"agent_id\":\"writer\",\"confidence\":0.5}";
    }

    /**
     * Leaves node {@code index} out of the writers' picks (-1: none). For a stopped process: its
     * kernel still accepts connections, so without a health check every writer that picks it
     * waits out its request timeout.
     */
    void avoid(int index) {
        avoided = index;
    }

    int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Acknowledged ids and their indexes, so far. */
    Map<String, Long> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    /** Ids a node answered {@code replication_timeout} for and that no later retry acknowledged. */
    Set<String> durableButUnacknowledged() {
        Set<String> ids = new java.util.HashSet<>(durableUnacknowledged);
        ids.removeAll(acknowledged.keySet());
        return ids;
    }

    List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    long failed() {
        return failed.get();
    }

    /** Stops the writers and waits for them (each finishes the request it is in). */
    @Override
    public void close() throws Exception {
        writing.set(false);
        writers.shutdown();
        if (!writers.awaitTermination(90, TimeUnit.SECONDS)) {
            writers.shutdownNow();
            throw new AssertionError("writers did not stop within 90 s");
        }
        for (Future<?> writer : running) {
            writer.get(1, TimeUnit.SECONDS);
        }
    }
}
