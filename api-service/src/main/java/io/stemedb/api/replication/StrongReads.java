package io.stemedb.api.replication;

import io.grpc.StatusRuntimeException;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.proto.consensus.ReadIndexResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code consistency: "strong"}: the index a read must reach so that it reflects every write
 * acknowledged before it began, as the primary confirms with a quorum round (ReadIndex, never a
 * clock lease). Anywhere but the primary it is refused, 503 {@code not_primary} naming the primary.
 */
public final class StrongReads implements LongSupplier {

    private final ReplicationClient replication;

    public StrongReads(ReplicationClient replication) {
        this.replication = replication;
    }

    @Override
    public long getAsLong() {
        ReadIndexResponse answer;
        try {
            answer = replication.readIndex();
        } catch (StatusRuntimeException e) {
            throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "the node's consensus did not confirm the read: " + e.getStatus().getCode(), 1);
        }
        if (answer.getConfirmed()) {
            return answer.getIndex();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (!answer.getPrimaryId().isEmpty()) {
            details.put("primary", answer.getPrimaryId());
        }
        if (!answer.getPrimaryApi().isEmpty()) {
            details.put("primary_address", answer.getPrimaryApi());
        }
        throw new UnavailableException(UnavailableReason.NOT_PRIMARY, "a strong read is answered by the primary"
                + (answer.getPrimaryId().isEmpty() ? ", and none is known right now" : ", " + answer.getPrimaryId()
                        + (answer.getPrimaryApi().isEmpty() ? "" : " at " + answer.getPrimaryApi())), 1, details);
    }
}
