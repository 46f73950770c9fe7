package io.stemedb.api.http;

import io.stemedb.api.health.NodeHealth;
import io.stemedb.api.health.NodeHealthService;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/health}: 200 only when the node can take writes and answer queries, 503 otherwise,
 * so that load balancer health checks (nginx, envoy) take a node out by status code alone.
 */
@RestController
public class HealthController {

    private final NodeHealthService health;

    public HealthController(NodeHealthService health) {
        this.health = health;
    }

    @GetMapping("/v1/health")
    public ResponseEntity<NodeHealth> health() {
        NodeHealth node = health.check();
        return ResponseEntity.status(node.isHealthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(node);
    }
}
