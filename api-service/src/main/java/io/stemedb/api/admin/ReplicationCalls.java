package io.stemedb.api.admin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stemedb.api.error.ConflictException;
import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;

/**
 * A call to this node's replication-service about another member (a diff, a sync), with its
 * refusals as the HTTP answers they mean: the member named wrongly (400 on the field), unknown
 * (404), a state that forbids it now (409); anything else, or no replication at all, 503.
 */
final class ReplicationCalls {

    private ReplicationCalls() {}

    static <T> T aboutMember(ObjectProvider<ReplicationClient> replication, String field, Function<ReplicationClient, T> call) {
        ReplicationClient client = replication.getIfAvailable();
        if (client == null) {
            throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "this node runs without replication (stemedb.api.replication.enabled=false)", 5);
        }
        try {
            return call.apply(client);
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            String why = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
            switch (status.getCode()) {
                case INVALID_ARGUMENT -> throw new InvalidRequestException(List.of(new FieldError(field, why)));
                case NOT_FOUND -> throw new NotFoundException(field, why);
                case FAILED_PRECONDITION -> throw new ConflictException(why);
                default -> throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                        "this node's replication-service did not complete it: " + why, 1);
            }
        }
    }
}
