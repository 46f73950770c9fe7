package io.stemedb.replication.transport;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.consensus.ConsensusPeerGrpc;
import io.stemedb.proto.consensus.DeliverSummary;
import io.stemedb.proto.consensus.HandoffRequest;
import io.stemedb.proto.consensus.HandoffResponse;
import io.stemedb.proto.consensus.LogEntry;
import io.stemedb.proto.consensus.PeerMessage;
import io.stemedb.replication.consensus.ConsensusMessage;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.runtime.ConsensusRuntime;
import io.stemedb.replication.runtime.JournalPort;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound half of the transport ({@code ConsensusPeer} on :18182): messages from the other
 * nodes go onto the runtime's queue; handed-off records go into this node's journal, which takes
 * them only in primary mode (so a node that is not the writable primary refuses, and the sender
 * tries the primary it learns of next).
 */
public final class PeerService extends ConsensusPeerGrpc.ConsensusPeerImplBase {

    private static final Logger log = LoggerFactory.getLogger(PeerService.class);

    private final ConsensusRuntime runtime;
    private final JournalPort journal;
    private final PeerLinks links;
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong handedOver = new AtomicLong();

    public PeerService(ConsensusRuntime runtime, JournalPort journal, PeerLinks links) {
        this.runtime = runtime;
        this.journal = journal;
        this.links = links;
    }

    @Override
    public StreamObserver<PeerMessage> deliver(StreamObserver<DeliverSummary> summary) {
        return new StreamObserver<>() {
            private long received;

            @Override
            public void onNext(PeerMessage wire) {
                ConsensusMessage message;
                try {
                    message = PeerMessages.fromWire(wire);
                } catch (IllegalArgumentException e) {
                    malformed.incrementAndGet();
                    return;
                }
                received++;
                links.heardFrom(message.from());
                runtime.receive(message);
            }

            @Override
            public void onError(Throwable error) {
                log.debug("a consensus stream from a peer ended: {}", error.toString());
            }

            @Override
            public void onCompleted() {
                summary.onNext(DeliverSummary.newBuilder().setReceived(received).build());
                summary.onCompleted();
            }
        };
    }

    @Override
    public void handoff(HandoffRequest request, StreamObserver<HandoffResponse> response) {
        if (runtime.status() == null || !runtime.status().writable()) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("not the writable primary").asRuntimeException());
            return;
        }
        List<Entry> records = new ArrayList<>(request.getRecordsCount());
        for (LogEntry entry : request.getRecordsList()) {
            records.add(JournalEntries.fromWire(entry));
        }
        try {
            if (!records.isEmpty()) {
                journal.appendRecordsAsPrimary(records);
            }
            handedOver.addAndGet(records.size());
            log.info("took {} records handed over by {} (a truncated suffix, or a Merkle sync)", records.size(), request.getFrom());
            response.onNext(HandoffResponse.newBuilder().setAppended(records.size()).build());
            response.onCompleted();
        } catch (RuntimeException e) {
            response.onError(Status.fromThrowable(e).asRuntimeException());
        }
    }

    public long malformedMessages() {
        return malformed.get();
    }

    public long recordsHandedOver() {
        return handedOver.get();
    }
}
