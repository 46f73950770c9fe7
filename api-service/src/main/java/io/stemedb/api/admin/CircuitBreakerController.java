package io.stemedb.api.admin;

import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.proto.consensus.StreamBreaker;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The node's circuit breakers, on the api port as the runbooks use them (and on the gateway's,
 * which proxies {@code /v1/**}): {@code GET /v1/admin/circuit-breakers/tripped} lists every breaker
 * that is not closed; {@code POST /v1/admin/circuit-breaker/reset {"agent_id"}} (or {@code "name"})
 * closes one. Admin only. Here: the replication streams' breakers (one per member,
 * {@code replication:<member id>}), asked of the local replication-service over gRPC;
 * {@code agent_id} names a member's stream (the lag runbook resets one by the replica's id). The
 * gateway's own breakers (per downstream, per agent) live in the gateway-service: the same two
 * endpoints on the gateway's port list and reset them together with these.
 */
@RestController
public class CircuitBreakerController {

    private final ObjectProvider<ReplicationClient> replication;
    private final JsonRequestReader json;

    public CircuitBreakerController(ObjectProvider<ReplicationClient> replication, ValidationLimits limits) {
        this.replication = replication;
        this.json = new JsonRequestReader(limits);
    }

    @GetMapping(path = "/v1/admin/circuit-breakers/tripped", produces = MediaType.APPLICATION_JSON_VALUE)
    public Tripped tripped() {
        List<Breaker> tripped = new ArrayList<>();
        for (StreamBreaker stream : streamBreakers()) {
            if (!stream.getState().equals("CLOSED")) {
                tripped.add(Breaker.of(stream));
            }
        }
        tripped.sort(java.util.Comparator.comparing(Breaker::name));
        return new Tripped(tripped);
    }

    @PostMapping(path = "/v1/admin/circuit-breaker/reset", produces = MediaType.APPLICATION_JSON_VALUE)
    public Breaker reset(@RequestBody(required = false) byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of("agent_id", "name"), errors);
        String agent = JsonFields.string(request, "agent_id", false, errors);
        String name = JsonFields.string(request, "name", false, errors);
        if (errors.isEmpty() && (agent == null) == (name == null)) {
            errors.add(new FieldError("agent_id", "give agent_id (an agent's breaker) or name (any breaker), not both"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        String breakerName = agent != null ? "agent:" + agent : name;
        String member = agent != null ? agent
                : name.startsWith(REPLICATION_PREFIX) ? name.substring(REPLICATION_PREFIX.length()) : null;
        ReplicationClient consensus = replication.getIfAvailable();
        if (member != null && consensus != null) {
            StreamBreaker stream = callReplication(() -> consensus.resetStreamBreaker(member));
            if (stream.getFound()) {
                return Breaker.of(stream);
            }
        }
        throw new NotFoundException(agent != null ? "agent_id" : "name", "no circuit breaker " + breakerName
                + (agent != null ? " and no replication stream to a member " + agent : "")
                + " on this api port (the gateway's breakers are reset on the gateway's port)");
    }

    private static final String REPLICATION_PREFIX = "replication:";

    private List<StreamBreaker> streamBreakers() {
        ReplicationClient consensus = replication.getIfAvailable();
        return consensus == null ? List.of() : callReplication(() -> consensus.streamBreakers().getBreakersList());
    }

    private static <T> T callReplication(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (io.grpc.StatusRuntimeException e) {
            throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "this node's replication-service did not answer (" + e.getStatus().getCode() + "); try again shortly", 5);
        }
    }

    /**
     * @param failureRate  percentage of recorded calls that failed, -1 before enough calls
     */
    public record Breaker(String name, String state, float failureRate, int failedCalls, long notPermittedCalls) {
        static Breaker of(StreamBreaker stream) {
            return new Breaker(stream.getName(), stream.getState(), stream.getFailureRate(), stream.getFailedCalls(),
                    stream.getNotPermittedCalls());
        }
    }

    public record Tripped(List<Breaker> tripped) {}
}
