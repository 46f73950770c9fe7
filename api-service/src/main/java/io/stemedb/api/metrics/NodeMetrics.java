package io.stemedb.api.metrics;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stemedb.proto.metrics.ScrapeRequest;
import io.stemedb.proto.metrics.ScrapeResponse;
import io.stemedb.proto.metrics.ServiceMetricsGrpc;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@code /metrics} page: this api-service's meters, then those of the node's services it
 * has channels to (wal, replication, membership), each asked over gRPC ({@code ServiceMetrics} {@code Scrape})
 * in parallel with a deadline. A service that does not answer leaves its meters out of that page
 * and counts in {@code stemedb_metrics_scrape_errors_total{service}}, so a scrape never fails
 * because one service is slow. The gateway's meters are on the gateway's own port.
 */
public final class NodeMetrics {

    private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);

    private final PrometheusMeterRegistry own;
    private final Map<String, ServiceMetricsGrpc.ServiceMetricsFutureStub> services = new LinkedHashMap<>();
    private final Map<String, Counter> errors = new LinkedHashMap<>();
    private final Counter conflicts;
    private final Duration deadline;

    /**
     * @param channels the node services to include, by name (the name labels their error counter)
     * @param deadline longest wait for any one service's answer
     */
    public NodeMetrics(PrometheusMeterRegistry own, Map<String, ManagedChannel> channels, Duration deadline,
            MeterRegistry registry) {
        this.own = own;
        this.deadline = deadline;
        channels.forEach((name, channel) -> {
            services.put(name, ServiceMetricsGrpc.newFutureStub(channel));
            errors.put(name, Counter.builder("stemedb.metrics.scrape.errors")
                    .description("Scrapes of /metrics that went without this node service's meters (it did not answer in time)")
                    .tag("service", name).register(registry));
        });
        this.conflicts = Counter.builder("stemedb.metrics.scrape.conflicts")
                .description("Metric families a node service declared with another type than an earlier one (left out)")
                .register(registry);
    }

    /** The whole node's page, in the Prometheus text format 0.0.4. */
    public String scrape() {
        Map<String, ListenableFuture<ScrapeResponse>> pending = new LinkedHashMap<>();
        services.forEach((name, stub) -> pending.put(name,
                stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).scrape(ScrapeRequest.getDefaultInstance())));
        PrometheusTextMerge page = new PrometheusTextMerge().add(own.scrape());
        pending.forEach((name, answer) -> {
            try {
                page.add(answer.get(deadline.toMillis() + 500, TimeUnit.MILLISECONDS).getText());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                errors.get(name).increment();
            } catch (Exception e) {
                errors.get(name).increment();
                log.debug("no meters from {} on this scrape: {}", name, e.toString());
            }
        });
        if (page.conflicts() > 0) {
            conflicts.increment(page.conflicts());
        }
        return page.text();
    }
}
