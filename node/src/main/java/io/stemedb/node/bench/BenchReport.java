package io.stemedb.node.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** The numbers one bench run measured. Latencies are recorded in microseconds. */
public record BenchReport(URI target, int concurrency, Duration measured, long succeeded, long failed,
        Map<String, Long> failuresByCause, Histogram latencyMicros) {

    public double writesPerSecond() {
        return succeeded / (measured.toNanos() / 1e9);
    }

    public double percentileMillis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public String format() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("target       %s%n", target));
        text.append(String.format("concurrency  %d%n", concurrency));
        text.append(String.format("measured     %.1f s%n", measured.toNanos() / 1e9));
        text.append(String.format("writes       %d ok, %d failed%n", succeeded, failed));
        text.append(String.format("throughput   %.0f durable writes/s%n", writesPerSecond()));
        text.append(String.format("latency ms   p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                percentileMillis(50), percentileMillis(90), percentileMillis(99), percentileMillis(99.9),
                latencyMicros.getMaxValue() / 1000.0));
        if (!failuresByCause.isEmpty()) {
            text.append(String.format("failures     %s%n", new TreeMap<>(failuresByCause)));
        }
        return text.toString();
    }
}
