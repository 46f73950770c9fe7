package io.stemedb.node.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop writers: each thread posts one assertion, waits for the answer, records the latency,
 * and posts the next. Every write is a distinct assertion (its value carries the writer and a
 * sequence number), so nothing is deduplicated away.
 */
final class WriteLoad {

    private static final long MAX_TRACKED_MICROS = Duration.ofMinutes(1).toNanos() / 1000;

    private final URI assertUri;
    private final URI target;
    private final int concurrency;
    private final String padding;
    /** Makes this run's values differ from any earlier run's: a repeated value is a duplicate (200), not a write. */
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final int concepts;
    private final HttpClient http;

    private final String authorization;

    WriteLoad(URI target, String authorization, int concurrency, int valueBytes, int concepts) {
        this.authorization = authorization;
        this.target = target;
        this.assertUri = target.resolve("/v1/assert");
        this.concurrency = concurrency;
        this.padding = "x".repeat(Math.max(0, valueBytes - 24));
        this.concepts = concepts;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    BenchReport run(Duration warmup, Duration measured) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureUntil = measureFrom + measured.toNanos();
        LongAdder succeeded = new LongAdder();
        LongAdder failed = new LongAdder();
        Map<String, LongAdder> causes = new ConcurrentHashMap<>();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int writer = 0; writer < concurrency; writer++) {
            Histogram histogram = new Histogram(MAX_TRACKED_MICROS, 3);
            histograms.add(histogram);
            int id = writer;
            Thread thread = new Thread(() -> {
                long sequence = 0;
                while (true) {
                    long sent = System.nanoTime();
                    if (sent >= measureUntil) {
                        return;
                    }
                    String failure = post(id, sequence++);
                    long answered = System.nanoTime();
                    if (sent < measureFrom || answered > measureUntil) {
                        continue;
                    }
                    if (failure == null) {
                        succeeded.increment();
                        histogram.recordValue(Math.min((answered - sent) / 1000, MAX_TRACKED_MICROS));
                    } else {
                        failed.increment();
                        causes.computeIfAbsent(failure, key -> new LongAdder()).increment();
                    }
                }
            }, "bench-writer-" + writer);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Histogram all = new Histogram(MAX_TRACKED_MICROS, 3);
        histograms.forEach(all::add);
        Map<String, Long> failureCounts = new ConcurrentHashMap<>();
        causes.forEach((cause, count) -> failureCounts.put(cause, count.sum()));
        return new BenchReport(target, concurrency, measured, succeeded.sum(), failed.sum(), failureCounts, all);
    }

    /** Posts one write; returns null on 201, else a short description of what went wrong. */
    private String post(int writer, long sequence) {
        String body = "{\"concept_path\":\"bench/c" + (sequence * 7919 + writer) % concepts + "\","
                + "\"predicate\":\"p" + writer + "\","
                + "\"value\":\"" + run + "-" + writer + "-" + sequence + "-" + padding + "\","
                + "\"agent_id\":\"bench-" + writer + "\","
                + "\"confidence\":0.5}";
        HttpRequest request = HttpRequest.newBuilder(assertUri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 201 ? null : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
