package io.stemedb.node.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb bench}: durable-write load against a running node, closed loop: each of
 * {@code --concurrency} clients sends its next write as soon as the previous one is answered.
 * Prints throughput and latency percentiles (HdrHistogram) for the measured window, after a warm-up.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure durable writes/s and latency against a running node.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--target", defaultValue = "http://127.0.0.1:18181",
            description = "Base URL to write to: the gateway (default ${DEFAULT-VALUE}) or an api-service (:18180).")
    URI target;

    @Option(names = "--concurrency", defaultValue = "16", description = "Concurrent clients. Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--duration", defaultValue = "20s", description = "Measured time (e.g. 20s, 2m). Default: ${DEFAULT-VALUE}")
    String duration;

    @Option(names = "--warmup", defaultValue = "5s", description = "Unmeasured time before it. Default: ${DEFAULT-VALUE}")
    String warmup;

    @Option(names = "--value-bytes", defaultValue = "200",
            description = "Size of each assertion's string value. Default: ${DEFAULT-VALUE}")
    int valueBytes;

    @Option(names = "--concepts", defaultValue = "10000",
            description = "Distinct concept paths written to. Default: ${DEFAULT-VALUE}")
    int concepts;

    @picocli.CommandLine.Mixin
    KeyFileOption key;

    @Override
    public Integer call() throws InterruptedException {
        WriteLoad load = new WriteLoad(target, key.authorization(), concurrency, valueBytes, concepts);
        BenchReport report = load.run(parse(warmup), parse(duration));
        System.out.println(report.format());
        return report.failed() == 0 ? 0 : 2;
    }

    private static Duration parse(String text) {
        return DurationStyle.detectAndParse(text);
    }
}
