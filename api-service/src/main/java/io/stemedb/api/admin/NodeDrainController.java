package io.stemedb.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.grpc.StatusRuntimeException;
import io.stemedb.api.drain.NodeDrain;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import io.stemedb.proto.consensus.DrainResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/admin/node/drain}: this node stops taking client requests (503 {@code draining}),
 * its {@code /v1/health} and readiness say 503 so load balancers take it out, its consensus stops
 * campaigning and, if it is the primary, hands the role to the most caught-up voter; the answer
 * comes once the role has moved (or after {@link #HAND_OVER_WAIT}). The node stays a voter: a drain
 * is for maintenance, {@code /v1/admin/cluster/remove} for leaving. {@code POST
 * /v1/admin/node/resume} ends it; {@code GET /v1/admin/node/drain} shows it. A restart ends it too.
 */
@RestController
public class NodeDrainController {

    /** How long the drain waits for the primary role to move before it answers. */
    static final Duration HAND_OVER_WAIT = Duration.ofSeconds(5);

    private final NodeDrain drain;
    private final ObjectProvider<ReplicationClient> replication;
    private final JsonRequestReader json;

    public NodeDrainController(NodeDrain drain, ObjectProvider<ReplicationClient> replication, ValidationLimits limits) {
        this.drain = drain;
        this.replication = replication;
        this.json = new JsonRequestReader(limits);
    }

    @PostMapping(path = "/v1/admin/node/drain", produces = MediaType.APPLICATION_JSON_VALUE)
    public Drained drain(@RequestBody(required = false) byte[] body) throws InterruptedException {
        rejectAnyField(body);
        Instant since = drain.drain();
        ReplicationClient client = replication.getIfAvailable();
        if (client == null) {
            return new Drained(true, since, "primary", null, null, "this node runs without replication: it has no role to hand over");
        }
        DrainResponse outcome;
        try {
            outcome = client.drain(true);
        } catch (StatusRuntimeException e) {
            return new Drained(true, since, "unknown", null, null, "client requests are refused, but the node's consensus did not"
                    + " answer (" + e.getStatus().getCode() + "): it may still be primary; retry the drain");
        }
        String role = client.state().role();
        String detail = null;
        if (outcome.getWasPrimary()) {
            long deadline = System.nanoTime() + HAND_OVER_WAIT.toNanos();
            while ("primary".equals(role = client.state().role()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if ("primary".equals(role)) {
                detail = outcome.getHandedTo().isEmpty() ? "no other voter to hand the primary role to"
                        : "the primary role did not move to " + outcome.getHandedTo() + " within " + HAND_OVER_WAIT.toSeconds()
                                + " s (it lags); drain again, or demote with force";
            }
        }
        return new Drained(true, since, role, outcome.getHandedTo().isEmpty() ? null : outcome.getHandedTo(),
                outcome.getCampaigning(), detail);
    }

    @PostMapping(path = "/v1/admin/node/resume", produces = MediaType.APPLICATION_JSON_VALUE)
    public Drained resume(@RequestBody(required = false) byte[] body) {
        rejectAnyField(body);
        drain.resume();
        ReplicationClient client = replication.getIfAvailable();
        if (client == null) {
            return new Drained(false, null, "primary", null, null, null);
        }
        try {
            DrainResponse outcome = client.drain(false);
            return new Drained(false, null, client.state().role(), null, outcome.getCampaigning(), null);
        } catch (StatusRuntimeException e) {
            return new Drained(false, null, "unknown", null, null, "client requests are taken again, but the node's consensus did"
                    + " not answer (" + e.getStatus().getCode() + ") and may not campaign yet; retry the resume");
        }
    }

    @GetMapping(path = "/v1/admin/node/drain", produces = MediaType.APPLICATION_JSON_VALUE)
    public Drained state() {
        ReplicationClient client = replication.getIfAvailable();
        String role = client == null ? "primary" : client.state().role();
        return new Drained(drain.isDraining(), drain.since(), role, null, null, null);
    }

    private void rejectAnyField(byte[] body) {
        if (body == null || body.length == 0) {
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(json.readObject(body), Set.of(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
    }

    /**
     * @param draining    whether the node refuses client requests now
     * @param since       when the drain began
     * @param role        the node's role after the call
     * @param handedTo    the voter the primary role was handed to
     * @param campaigning whether the node's consensus campaigns in elections
     * @param detail      what did not go as asked, if anything
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Drained(boolean draining, Instant since, String role, String handedTo, Boolean campaigning, String detail) {}
}
