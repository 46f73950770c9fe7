package io.stemedb.gateway.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stemedb.common.validation.FieldError;
import io.stemedb.http.problem.Problem;
import io.stemedb.http.sync.SyncSessionView;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.SyncRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /cluster/sync {"target_nodes": [...], "force"}} on the gateway (admin key), the
 * runbooks' way to fill new or replaced nodes: one Merkle sync of this node's store with each
 * target's, started on this node's replication-service over gRPC (the same {@code Sync} the
 * api's {@code /v1/admin/cluster/sync} starts). 202 with a session per target started and, for
 * any that could not be, its status and why; when none could be, that first failure's status.
 */
@RestController
public class ClusterSyncController {

    private static final long DEADLINE_MS = 5_000;
    /** Most targets one request may name: a cluster is 3 to 5 nodes, 64 leaves room to grow. */
    static final int MAX_TARGETS = 64;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AntiEntropyGrpc.AntiEntropyBlockingStub antiEntropy;

    public ClusterSyncController(ManagedChannel replicationChannel) {
        this.antiEntropy = AntiEntropyGrpc.newBlockingStub(replicationChannel);
    }

    @PostMapping(path = "/cluster/sync", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<?> sync(@RequestBody(required = false) byte[] body) {
        List<FieldError> errors = new ArrayList<>();
        Set<String> targets = new LinkedHashSet<>();
        boolean force = false;
        JsonNode request = null;
        if (body == null || body.length == 0) {
            errors.add(new FieldError("target_nodes", "is required"));
        } else {
            try {
                request = JSON.readTree(body);
            } catch (RuntimeException e) {
                errors.add(new FieldError("body", "is not JSON"));
            }
        }
        if (request != null && !request.isObject()) {
            errors.add(new FieldError("body", "must be a JSON object"));
        } else if (request != null) {
            for (String name : request.propertyNames()) {
                if (!name.equals("target_nodes") && !name.equals("force")) {
                    errors.add(new FieldError(name, "is not a field of this request"));
                }
            }
            JsonNode nodes = request.get("target_nodes");
            if (nodes == null || nodes.isNull()) {
                errors.add(new FieldError("target_nodes", "is required"));
            } else if (!nodes.isArray() || nodes.isEmpty() || nodes.size() > MAX_TARGETS) {
                errors.add(new FieldError("target_nodes", "must be a list of 1 to " + MAX_TARGETS + " member node ids"));
            } else {
                for (JsonNode node : nodes) {
                    if (!node.isString() || node.stringValue().isBlank()) {
                        errors.add(new FieldError("target_nodes", "must hold member node ids (strings)"));
                        break;
                    }
                    targets.add(node.stringValue());
                }
            }
            JsonNode forced = request.get("force");
            if (forced != null && !forced.isNull() && !forced.isBoolean()) {
                errors.add(new FieldError("force", "must be true or false"));
            }
            force = forced != null && forced.isBoolean() && forced.booleanValue();
        }
        if (!errors.isEmpty()) {
            return Problem.of(400, "the request is not valid").reason("invalid_request").errors(errors).toResponseEntity();
        }
        List<SyncSessionView> started = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        for (String target : targets) {
            try {
                started.add(SyncSessionView.of(antiEntropy.withDeadlineAfter(DEADLINE_MS, TimeUnit.MILLISECONDS)
                        .sync(SyncRequest.newBuilder().setOtherNode(target).setForce(force).build())));
            } catch (StatusRuntimeException e) {
                refused.add(new Refused(target, httpStatus(e.getStatus()), describe(e.getStatus())));
            }
        }
        if (started.isEmpty()) {
            Refused first = refused.get(0);
            Problem problem = Problem.of(first.status(), first.nodeId() + ": " + first.error())
                    .reason(first.status() == 503 ? "replication_unavailable" : first.status() == 409 ? "conflict"
                            : first.status() == 404 ? "not_found" : "invalid_request")
                    .with("refused", refused.stream().map(Refused::asMap).toList());
            if (first.status() == 503) {
                problem.retryAfter(1);
            }
            return problem.toResponseEntity();
        }
        return ResponseEntity.accepted().contentType(MediaType.APPLICATION_JSON)
                .body(new Started(started, refused.isEmpty() ? null : refused));
    }

    private static int httpStatus(Status status) {
        return switch (status.getCode()) {
            case INVALID_ARGUMENT -> 400;
            case NOT_FOUND -> 404;
            case FAILED_PRECONDITION -> 409;
            default -> 503;
        };
    }

    private static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    }

    /** A target whose sync did not start: the HTTP status the api would answer for it, and why. */
    public record Refused(String nodeId, int status, String error) {

        /** As a problem document's member, which is written without the answers' snake_case naming. */
        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("node_id", nodeId);
            map.put("status", status);
            map.put("error", error);
            return map;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Started(List<SyncSessionView> sessions, List<Refused> refused) {}
}
