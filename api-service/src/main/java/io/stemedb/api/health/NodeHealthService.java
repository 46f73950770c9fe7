package io.stemedb.api.health;

import io.grpc.StatusRuntimeException;
import io.stemedb.api.drain.NodeDrain;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.WalTailer;
import io.stemedb.common.consensus.CommitState;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.api.wal.WalClient;
import io.stemedb.proto.wal.StatusResponse;
import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Decides whether this node can serve: the index must have loaded the journal and still be
 * following it, and the wal-service must answer and take writes. Also the actuator's "node"
 * health indicator, which the readiness probe includes.
 */
public class NodeHealthService implements HealthIndicator {

    /** Kept short: load balancers call this every few seconds and must not queue behind it. */
    private static final Duration WAL_STATUS_DEADLINE = Duration.ofSeconds(1);

    private final String nodeId;
    private final AssertionIndex index;
    private final WalTailer tailer;
    private final WalClient wal;
    private final ReplicationClient replication;
    private final long configuredTerm;
    private final NodeDrain drain;

    /**
     * @param replication the local consensus, or null for a node without replication
     * @param drain       the operator's drain, which makes a healthy node say {@code draining}
     */
    public NodeHealthService(String nodeId, AssertionIndex index, WalTailer tailer, WalClient wal, ReplicationClient replication,
            long configuredTerm, NodeDrain drain) {
        this.drain = drain;
        this.replication = replication;
        this.configuredTerm = configuredTerm;
        this.nodeId = nodeId;
        this.index = index;
        this.tailer = tailer;
        this.wal = wal;
    }

    public NodeHealth check() {
        NodeHealth.Wal walHealth;
        String walProblem = null;
        try {
            StatusResponse status = wal.status(WAL_STATUS_DEADLINE);
            walHealth = new NodeHealth.Wal(true, status.getWritable(), status.getLastDurableIndex());
            if (!status.getWritable()) {
                walProblem = status.getDetail();
            }
        } catch (StatusRuntimeException e) {
            walHealth = new NodeHealth.Wal(false, false, 0);
            walProblem = "wal-service unreachable: " + e.getStatus().getCode();
        }

        String status;
        String detail;
        if (tailer.failure() != null) {
            status = NodeHealth.UNHEALTHY;
            detail = tailer.failure();
        } else if (!walHealth.reachable()) {
            status = NodeHealth.UNHEALTHY;
            detail = walProblem;
        } else if (!tailer.isCaughtUp()) {
            status = NodeHealth.STARTING;
            detail = "loading the journal: index at " + index.appliedIndex() + " of " + tailer.catchUpTarget();
        } else if (!walHealth.writable()) {
            status = NodeHealth.READ_ONLY;
            detail = walProblem;
        } else {
            status = NodeHealth.HEALTHY;
            detail = null;
        }
        String role = "primary";
        long term = configuredTerm;
        String primary = nodeId;
        if (replication != null) {
            CommitState consensus = replication.state();
            role = consensus.connected() ? consensus.role() : "unknown";
            term = consensus.term();
            primary = consensus.primaryId().isEmpty() ? null : consensus.primaryId();
            if (!consensus.connected() && status.equals(NodeHealth.HEALTHY)) {
                status = NodeHealth.UNHEALTHY;
                detail = "the node's replication-service (its consensus) does not answer";
            }
        }
        if (drain != null && drain.isDraining() && status.equals(NodeHealth.HEALTHY)) {
            status = NodeHealth.DRAINING;
            detail = "drained by an operator since " + drain.since() + " (POST /v1/admin/node/resume takes traffic again)";
        }
        return new NodeHealth(status, detail, nodeId, role, term, primary, index.assertionCount(), index.appliedIndex(),
                walHealth);
    }

    @Override
    public Health health() {
        NodeHealth node = check();
        Health.Builder builder = node.isHealthy() ? Health.up() : Health.outOfService();
        builder.withDetail("status", node.status())
                .withDetail("assertion_count", node.assertionCount())
                .withDetail("applied_index", node.appliedIndex());
        if (node.detail() != null) {
            builder.withDetail("detail", node.detail());
        }
        return builder.build();
    }
}
