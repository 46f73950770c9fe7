package io.stemedb.api.metrics;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /metrics} on the api port, where the runbooks scrape a node: the api-service's meters
 * and those of the node's internal services ({@link NodeMetrics}). Open without a key unless
 * {@code stemedb.security.metrics-public} is false.
 */
@RestController
public class NodeMetricsController {

    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeMetrics metrics;

    public NodeMetricsController(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    @GetMapping(path = "/metrics", produces = TEXT_FORMAT)
    public String metrics() {
        return metrics.scrape();
    }
}
