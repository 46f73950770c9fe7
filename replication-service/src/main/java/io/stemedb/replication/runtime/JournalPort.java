package io.stemedb.replication.runtime;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.stemedb.proto.wal.AppendRequest;
import io.stemedb.proto.wal.AppendResponse;
import io.stemedb.proto.wal.CommitIndexRequest;
import io.stemedb.proto.wal.EntryToAppend;
import io.stemedb.proto.wal.HardStateRequest;
import io.stemedb.proto.wal.PrimaryRequest;
import io.stemedb.proto.wal.ReadRequest;
import io.stemedb.proto.wal.ReplicaAppendRequest;
import io.stemedb.proto.wal.ReplicaAppendResponse;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.StatusResponse;
import io.stemedb.proto.wal.WalEntry;
import io.stemedb.proto.wal.WalEntryBatch;
import io.stemedb.proto.wal.WalGrpc;
import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.consensus.HardState;
import io.stemedb.replication.consensus.EntryKind;
import io.stemedb.replication.consensus.LogWrite;
import io.stemedb.replication.consensus.Proposal;
import io.stemedb.proto.wal.EntryType;
import io.stemedb.replication.transport.JournalEntries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The consensus's side of the local wal-service's contract ({@code stemedb_wal.proto}): the
 * durable calls the runtime makes in the order a {@code ConsensusOutput} gives, the reads that
 * feed it, all over the network like any other client. Every unary call has a deadline.
 */
public class JournalPort {

    private final WalGrpc.WalBlockingStub blocking;
    private final WalGrpc.WalStub async;
    private final Duration timeout;

    public JournalPort(ManagedChannel channel, Duration timeout) {
        this.blocking = WalGrpc.newBlockingStub(channel);
        this.async = WalGrpc.newStub(channel);
        this.timeout = timeout;
    }

    private WalGrpc.WalBlockingStub call() {
        return blocking.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public StatusResponse status() {
        return call().getStatus(StatusRequest.getDefaultInstance());
    }

    /** Term and vote on disk, the journal fenced at the term (and out of primary mode if it rose). */
    public void persist(HardState state) {
        call().setHardState(HardStateRequest.newBuilder().setTerm(state.term())
                .setVotedFor(state.votedFor() == null ? "" : state.votedFor()).build());
    }

    public void setPrimary(long term, boolean primary) {
        call().setPrimary(PrimaryRequest.newBuilder().setTerm(term).setPrimary(primary).build());
    }

    /** A replica's journal write (or rebase), durable on return; the entries it dropped that were never committed. */
    public List<Entry> write(LogWrite write) {
        ReplicaAppendRequest.Builder request = ReplicaAppendRequest.newBuilder().setTruncateFrom(write.truncateFrom());
        if (write.isRebase()) {
            request.setRebaseTo(write.rebaseTo()).setRebaseTerm(write.rebaseTerm())
                    .setRebaseConfiguration(ByteString.copyFrom(write.configuration().encode()));
        }
        for (Entry entry : write.entries()) {
            request.addEntries(JournalEntries.toReplicaWrite(entry));
        }
        ReplicaAppendResponse response = call().replicaAppend(request.build());
        List<Entry> dropped = new ArrayList<>(response.getDroppedCount());
        for (WalEntry entry : response.getDroppedList()) {
            dropped.add(JournalEntries.fromJournal(entry));
        }
        return dropped;
    }

    /** Tells the journal's retention the lowest index {@code consumer} still needs; answers its first index. */
    public long retain(String consumer, long neededFromIndex) {
        return call().retain(io.stemedb.proto.wal.RetainRequest.newBuilder().setConsumer(consumer)
                .setNeededFromIndex(neededFromIndex).build()).getFirstIndex();
    }

    public void setCommitIndex(long commitIndex) {
        call().setCommitIndex(CommitIndexRequest.newBuilder().setCommitIndex(commitIndex).build());
    }

    /** Appends the consensus's own entry as the primary (term 0: the journal stamps its fenced term). */
    public AppendResponse appendProposal(Proposal proposal) {
        int type = proposal.kind() == EntryKind.NOOP ? EntryType.ENTRY_TYPE_NOOP_VALUE : EntryType.ENTRY_TYPE_CONFIGURATION_VALUE;
        return appendAsPrimary(type, List.of(ByteString.copyFrom(proposal.payload())));
    }

    /** Appends records as the primary, keeping their journal types (a handoff); durable on return. */
    public AppendResponse appendRecordsAsPrimary(List<Entry> records) {
        AppendRequest.Builder request = AppendRequest.newBuilder();
        for (Entry entry : records) {
            request.addEntries(EntryToAppend.newBuilder().setTerm(0).setTypeValue(JournalEntries.journalType(entry))
                    .setPayload(JournalEntries.journalPayload(entry)));
        }
        return call().append(request.build());
    }

    /** Appends as the primary entries of the given journal types and payloads. */
    public AppendResponse appendAsPrimary(int type, List<ByteString> payloads) {
        AppendRequest.Builder request = AppendRequest.newBuilder();
        for (ByteString payload : payloads) {
            request.addEntries(EntryToAppend.newBuilder().setTerm(0).setTypeValue(type).setPayload(payload));
        }
        return call().append(request.build());
    }

    /** Durable entries from {@code fromIndex}, at most {@code max}, without following. */
    public List<Entry> read(long fromIndex, int max) {
        List<Entry> entries = new ArrayList<>();
        readBatches(ReadRequest.newBuilder().setFromIndex(fromIndex).setFollow(false)
                .setMaxBatchEntries(Math.min(max, 512)).build(), () -> entries.size() < max, batch -> {
                    for (WalEntry entry : batch.getEntriesList()) {
                        if (entries.size() < max) {
                            entries.add(JournalEntries.fromJournal(entry));
                        }
                    }
                });
        return entries;
    }

    /** What the consensus needs of an entry to recover: where it is, its term, and whether it is a configuration. */
    public interface HeaderConsumer {
        void accept(long index, long term, boolean configuration);
    }

    /**
     * Every durable entry from {@code fromIndex} on, in order, without its payload: one stream of
     * headers, so that recovering the terms of a long journal does not carry every record across.
     */
    public void readHeaders(long fromIndex, HeaderConsumer each) {
        readBatches(ReadRequest.newBuilder().setFromIndex(fromIndex).setFollow(false).setHeadersOnly(true)
                .setMaxBatchEntries(HEADER_BATCH_ENTRIES).build(), () -> true, batch -> {
                    for (WalEntry entry : batch.getEntriesList()) {
                        each.accept(entry.getIndex(), entry.getTerm(),
                                entry.getTypeValue() == EntryType.ENTRY_TYPE_CONFIGURATION_VALUE);
                    }
                });
    }

    /** One read that does not follow: each batch to {@code each} while {@code more} holds, then the stream is cancelled. */
    private void readBatches(ReadRequest request, BooleanSupplier more, Consumer<WalEntryBatch> each) {
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            context.run(() -> {
                Iterator<WalEntryBatch> batches = call().read(request);
                while (batches.hasNext() && more.getAsBoolean()) {
                    each.accept(batches.next());
                }
            });
        } finally {
            context.cancel(null); // stop the server streaming what is no longer wanted
        }
    }

    private static final int HEADER_BATCH_ENTRIES = 4096;

    /**
     * Follows the journal's durable entries from {@code fromIndex}; {@code onEntries} and
     * {@code onEnd} (with the error, or null) run on a gRPC thread. Cancel the returned context to stop.
     */
    public Context.CancellableContext follow(long fromIndex, Consumer<List<Entry>> onEntries, Consumer<Throwable> onEnd) {
        Context.CancellableContext context = Context.current().withCancellation();
        context.run(() -> async.read(ReadRequest.newBuilder().setFromIndex(fromIndex).setFollow(true).build(),
                new StreamObserver<WalEntryBatch>() {
                    @Override
                    public void onNext(WalEntryBatch batch) {
                        List<Entry> entries = new ArrayList<>(batch.getEntriesCount());
                        batch.getEntriesList().forEach(entry -> entries.add(JournalEntries.fromJournal(entry)));
                        onEntries.accept(entries);
                    }

                    @Override
                    public void onError(Throwable error) {
                        onEnd.accept(error);
                    }

                    @Override
                    public void onCompleted() {
                        onEnd.accept(null);
                    }
                }));
        return context;
    }
}
