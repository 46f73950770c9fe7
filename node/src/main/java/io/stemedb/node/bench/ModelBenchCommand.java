package io.stemedb.node.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb bench-model}: the data model at scale against a running node. Loads
 * {@code --assertions} assertions through {@code POST /v1/assert/batch} (concepts
 * {@code bench/g<group>/c<concept>}, {@code --predicates} predicates each, values of
 * {@code --value-bytes}), reporting durable assertions/s; then measures query latency per lens for
 * a point query (concept + predicate), a concept query (all its predicates) and a subtree query
 * (one group of concepts, first page), each for {@code --query-duration}.
 */
@Command(name = "bench-model", mixinStandardHelpOptions = true,
        description = "Load assertions in batches and measure query latency per lens against a running node.")
public final class ModelBenchCommand implements Callable<Integer> {

    private static final long MAX_MICROS = 60_000_000;

    @Option(names = "--target", defaultValue = "http://127.0.0.1:18180", description = "api-service URL. Default: ${DEFAULT-VALUE}")
    URI target;

    @Option(names = "--assertions", defaultValue = "1000000", description = "Assertions to load (0: query only). Default: ${DEFAULT-VALUE}")
    long assertions;

    @Option(names = "--first", defaultValue = "0",
            description = "Number of the first assertion to load (to add new ones to an earlier load). Default: ${DEFAULT-VALUE}")
    long first;

    @Option(names = "--predicates", defaultValue = "100", description = "Predicates per concept. Default: ${DEFAULT-VALUE}")
    int predicates;

    @Option(names = "--concepts-per-group", defaultValue = "100", description = "Concepts per subtree group. Default: ${DEFAULT-VALUE}")
    int conceptsPerGroup;

    @Option(names = "--value-bytes", defaultValue = "200", description = "Size of each value. Default: ${DEFAULT-VALUE}")
    int valueBytes;

    @Option(names = "--batch", defaultValue = "1000", description = "Assertions per batch request. Default: ${DEFAULT-VALUE}")
    int batch;

    @Option(names = "--load-concurrency", defaultValue = "4", description = "Concurrent batch writers. Default: ${DEFAULT-VALUE}")
    int loadConcurrency;

    @Option(names = "--query-concurrency", defaultValue = "4", description = "Concurrent queriers. Default: ${DEFAULT-VALUE}")
    int queryConcurrency;

    @Option(names = "--query-duration", defaultValue = "15s", description = "Time per query kind. Default: ${DEFAULT-VALUE}")
    String queryDuration;

    @picocli.CommandLine.Mixin
    KeyFileOption key;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        if (assertions > 0) {
            load();
        }
        long concepts = Math.max(1, (first + assertions > 0 ? first + assertions : 1_000_000L) / predicates);
        Duration each = DurationStyle.detectAndParse(queryDuration);
        if (each.isZero()) {
            return 0;
        }
        // The JIT compiles the query path during the first seconds; measure after it has.
        for (String lens : List.of("recency", "consensus", "confidence", "history")) {
            query(lens, "warm-up", n -> "{\"concept_path\":\"" + concept(n % concepts) + "\",\"lens\":\"" + lens + "\"}",
                    Duration.ofSeconds(3));
        }
        System.out.printf("%-12s %-8s %10s %9s %9s %9s %8s%n", "lens", "shape", "queries/s", "p50 ms", "p99 ms", "p99.9 ms", "results");
        for (String lens : List.of("recency", "consensus", "confidence", "history")) {
            Map<String, LongFunction<String>> shapes = new LinkedHashMap<>();
            shapes.put("point", n -> "{\"concept_path\":\"" + concept(n % concepts) + "\",\"predicate\":\"p" + (n % predicates)
                    + "\",\"lens\":\"" + lens + "\"}");
            shapes.put("concept", n -> "{\"concept_path\":\"" + concept(n % concepts) + "\",\"lens\":\"" + lens + "\"}");
            shapes.put("subtree", n -> "{\"concept_path\":\"bench/g" + (n % Math.max(1, concepts / conceptsPerGroup))
                    + "/**\",\"lens\":\"" + lens + "\",\"limit\":1000}");
            for (Map.Entry<String, LongFunction<String>> shape : shapes.entrySet()) {
                System.out.println(query(lens, shape.getKey(), shape.getValue(), each));
            }
        }
        return 0;
    }

    private String concept(long number) {
        return "bench/g" + (number / conceptsPerGroup) + "/c" + number;
    }

    private void load() throws Exception {
        String padding = "v".repeat(Math.max(0, valueBytes - 22));
        AtomicLong next = new AtomicLong(first);
        long end = first + assertions;
        AtomicLong failures = new AtomicLong();
        long started = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < loadConcurrency; w++) {
            Thread thread = new Thread(() -> {
                while (true) {
                    long from = next.getAndAdd(batch);
                    if (from >= end) {
                        return;
                    }
                    long to = Math.min(end, from + batch);
                    StringBuilder body = new StringBuilder(batch * (valueBytes + 120)).append("{\"assertions\":[");
                    for (long i = from; i < to; i++) {
                        if (i > from) {
                            body.append(',');
                        }
                        body.append("{\"concept_path\":\"").append(concept(i / predicates)).append("\",\"predicate\":\"p")
                                .append(i % predicates).append("\",\"value\":\"").append(String.format("%020d", i)).append(padding)
                                .append("\",\"confidence\":0.").append(1 + i % 9).append('}');
                    }
                    body.append("]}");
                    if (post("/v1/assert/batch", body.toString()) / 100 != 2) {
                        failures.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("loaded %d assertions in %.1f s: %.0f durable assertions/s (%d batches of %d, %d writers, %d failed batches)%n",
                assertions, seconds, assertions / seconds, (assertions + batch - 1) / batch, batch, loadConcurrency, failures.get());
    }

    private String query(String lens, String shape, LongFunction<String> body, Duration duration) throws InterruptedException {
        Histogram latency = new ConcurrentHistogram(MAX_MICROS, 3);
        AtomicLong results = new AtomicLong();
        AtomicLong counter = new AtomicLong(7);
        long warmUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long until = warmUntil + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int q = 0; q < queryConcurrency; q++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < until) {
                    long n = counter.getAndAdd(7919);
                    long sent = System.nanoTime();
                    String answer = postForBody("/v1/query", body.apply(n));
                    if (sent > warmUntil) {
                        latency.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - sent) / 1000));
                        int at = answer.indexOf("\"count\":");
                        if (at >= 0) {
                            results.addAndGet(Long.parseLong(answer.substring(at + 8, answer.indexOf(',', at))));
                        }
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long count = latency.getTotalCount();
        return String.format("%-12s %-8s %10.0f %9.2f %9.2f %9.2f %8.0f", lens, shape, count / (duration.toNanos() / 1e9),
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                latency.getValueAtPercentile(99.9) / 1000.0, count == 0 ? 0.0 : (double) results.get() / count);
    }

    private int post(String path, String body) {
        try {
            return http.send(request(path, body), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    private String postForBody(String path, String body) {
        try {
            return http.send(request(path, body), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(target.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", key.authorization())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
