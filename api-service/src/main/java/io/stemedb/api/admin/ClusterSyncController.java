package io.stemedb.api.admin;

import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import io.stemedb.http.sync.SyncSessionView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/admin/cluster/sync {"replica_id", "force"}} (admin key): starts a Merkle sync of
 * this node's store with another member's — the records only one side holds, checked and handed
 * to the primary, whose log brings them to every node — and answers 202 with the session at once;
 * {@code GET /v1/admin/cluster/sync} follows the sessions. Asked of the local replication-service,
 * which syncs over the cluster port.
 */
@RestController
public class ClusterSyncController {

    private final ObjectProvider<ReplicationClient> replication;
    private final JsonRequestReader json;

    public ClusterSyncController(ObjectProvider<ReplicationClient> replication, ValidationLimits limits) {
        this.replication = replication;
        this.json = new JsonRequestReader(limits);
    }

    @PostMapping(path = "/v1/admin/cluster/sync", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<SyncSessionView> sync(@RequestBody(required = false) byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException(List.of(new FieldError("replica_id", "is required")));
        }
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of("replica_id", "force"), errors);
        JsonNode replica = request.get("replica_id");
        if (replica == null || replica.isNull()) {
            errors.add(new FieldError("replica_id", "is required"));
        } else if (!replica.isString() || replica.stringValue().isBlank()) {
            errors.add(new FieldError("replica_id", "must be a member's node id"));
        }
        JsonNode force = request.get("force");
        if (force != null && !force.isNull() && !force.isBoolean()) {
            errors.add(new FieldError("force", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        boolean forced = force != null && force.isBoolean() && force.booleanValue();
        String replicaId = replica.stringValue();
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(SyncSessionView.of(ReplicationCalls.aboutMember(replication, "replica_id", client -> client.sync(replicaId, forced))));
    }

    @GetMapping(path = "/v1/admin/cluster/sync", produces = MediaType.APPLICATION_JSON_VALUE)
    public Sessions sessions() {
        return new Sessions(ReplicationCalls.aboutMember(replication, "replica_id", ReplicationClient::syncSessions)
                .getSessionsList().stream().map(SyncSessionView::of).toList());
    }

    /** The newest session with each other node. */
    public record Sessions(List<SyncSessionView> sessions) {}
}
