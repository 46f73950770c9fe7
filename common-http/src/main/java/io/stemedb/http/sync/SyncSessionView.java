package io.stemedb.http.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.proto.antientropy.SyncSession;
import java.time.Instant;

/**
 * A Merkle sync session as {@code /v1/admin/cluster/sync} (api) and {@code /cluster/sync}
 * (gateway) answer it.
 *
 * @param node             this node
 * @param replicaId        the other node
 * @param state            {@code queued}, {@code running}, {@code completed} or {@code interrupted}
 * @param progress         0 to 1
 * @param ranges           ranges of the id space to go through (the differing ones, split to about 16,384 records)
 * @param recordsFromThere records only the other node held, read from it, checked and handed to the primary
 * @param recordsFromHere  records only this node held, handed to the primary
 * @param recordsRefused   records whose bytes did not match their id: refused
 * @param recordsLeftToLog records the lacking side's log was still bringing (not forced)
 * @param error            why it was interrupted; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncSessionView(String node, String replicaId, String state, boolean forced, boolean resumed, double progress,
        int ranges, int rangesDone, long recordsFromThere, long recordsFromHere, long recordsRefused, long recordsLeftToLog,
        long bytesReceived, long bytesSent, String startedAt, String finishedAt, String error) {

    public static SyncSessionView of(SyncSession session) {
        return new SyncSessionView(session.getNode(), session.getOtherNode(), session.getState(), session.getForced(),
                session.getResumed(), session.getProgress(), session.getRanges(), session.getRangesDone(),
                session.getRecordsFromThere(), session.getRecordsFromHere(), session.getRecordsRefused(),
                session.getRecordsLeftToLog(), session.getBytesReceived(), session.getBytesSent(),
                Instant.ofEpochMilli(session.getStartedAtMs()).toString(),
                session.getFinishedAtMs() == 0 ? null : Instant.ofEpochMilli(session.getFinishedAtMs()).toString(),
                session.getError().isEmpty() ? null : session.getError());
    }
}
