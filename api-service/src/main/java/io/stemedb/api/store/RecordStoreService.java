package io.stemedb.api.store;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.RecordTree;
import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.model.LogRecord;
import io.stemedb.proto.store.IdChunk;
import io.stemedb.proto.store.IdRangeRef;
import io.stemedb.proto.store.ListIdsRequest;
import io.stemedb.proto.store.ReadRecordsRequest;
import io.stemedb.proto.store.RecordChunk;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.StoredRecord;
import io.stemedb.proto.store.TreeNode;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * The record store's gRPC contract ({@code stemedb_store.proto}), for this node's
 * replication-service: the Merkle tree the index keeps over its record ids, the ids under its
 * ranges and the records under ids. Internal, on
 * loopback (or in-process in the embedded node); the anti-entropy between nodes is the
 * replication-service's, on the cluster port.
 */
@Service
public class RecordStoreService extends RecordStoreGrpc.RecordStoreImplBase {

    /** Most parents one request may name: 4,096 × fan-out 16 nodes ≈ 2.7 MB of answer, under gRPC's 4 MB default. */
    static final int MAX_PARENTS = 4_096;
    /** Ids per chunk of a listing: 4,096 × ~66 bytes ≈ 270 KB a message. */
    static final int CHUNK_IDS = 4_096;
    /** Most ids one ReadRecords may name. */
    static final int MAX_READ_IDS = 4_096;
    /** Payload bytes per chunk of records read, well under gRPC's 4 MB message limit. */
    static final int CHUNK_BYTES = 1 << 20;

    private final RecordTree tree;
    private final LongSupplier appliedIndex;
    private final Function<String, LogRecord> records;

    @Autowired
    public RecordStoreService(AssertionIndex index) {
        this(index.tree(), index::appliedIndex, index::record);
    }

    /**
     * Over a tree that is not an index's (the bench's stores of a million ids).
     *
     * @param records the record under an id, null for one not held
     */
    public RecordStoreService(RecordTree tree, LongSupplier appliedIndex, Function<String, LogRecord> records) {
        this.tree = tree;
        this.appliedIndex = appliedIndex;
        this.records = records;
    }

    @Override
    public void readRecords(ReadRecordsRequest request, StreamObserver<RecordChunk> response) {
        if (request.getIdsCount() > MAX_READ_IDS) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("at most " + MAX_READ_IDS + " ids per request, not "
                    + request.getIdsCount()).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<RecordChunk> stream = (ServerCallStreamObserver<RecordChunk>) response;
        RecordChunk.Builder chunk = RecordChunk.newBuilder();
        int bytes = 0;
        for (String id : request.getIdsList()) {
            if (stream.isCancelled()) {
                return;
            }
            LogRecord record = records.apply(id);
            if (record == null) {
                continue;
            }
            ByteString payload = ByteString.copyFrom(LogRecordCodec.encode(record));
            chunk.addRecords(StoredRecord.newBuilder().setType(LogRecordCodec.typeOf(record)).setPayload(payload)
                    .setIndex(record.index()).setTerm(record.term()));
            bytes += payload.size();
            if (bytes >= CHUNK_BYTES) {
                stream.onNext(chunk.build());
                chunk = RecordChunk.newBuilder();
                bytes = 0;
            }
        }
        if (chunk.getRecordsCount() > 0) {
            stream.onNext(chunk.build());
        }
        stream.onCompleted();
    }

    @Override
    public void treeNodes(TreeNodesRequest request, StreamObserver<TreeNodesResponse> response) {
        if (request.getParentsCount() > MAX_PARENTS) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("at most " + MAX_PARENTS + " parents per request, not "
                    + request.getParentsCount()).asRuntimeException());
            return;
        }
        long applied = appliedIndex.getAsLong();
        List<RecordTree.Node> nodes;
        try {
            nodes = tree.read(request.getLevel(), request.getParentsList().stream().mapToLong(Long::longValue).toArray());
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        TreeNodesResponse.Builder answer = TreeNodesResponse.newBuilder()
                .setBitsPerLevel(tree.bitsPerLevel())
                .setDepth(tree.depth())
                .setAppliedIndex(applied);
        for (RecordTree.Node node : nodes) {
            answer.addNodes(TreeNode.newBuilder().setCount(node.count()).setHash(ByteString.copyFrom(node.hash())));
        }
        response.onNext(answer.build());
        response.onCompleted();
    }

    @Override
    public void listIds(ListIdsRequest request, StreamObserver<IdChunk> response) {
        int leafBits = tree.leafBits();
        for (IdRangeRef range : request.getRangesList()) {
            boolean prefixFits = range.getPrefix() >>> range.getPrefixBits() == 0;
            if (range.getPrefixBits() > leafBits || !prefixFits) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("a range fixes at most " + leafBits
                        + " bits, within them: not " + range.getPrefix() + "/" + range.getPrefixBits()).asRuntimeException());
                return;
            }
        }
        ServerCallStreamObserver<IdChunk> stream = (ServerCallStreamObserver<IdChunk>) response;
        IdChunk.Builder chunk = IdChunk.newBuilder();
        for (IdRangeRef range : request.getRangesList()) {
            int shift = leafBits - range.getPrefixBits();
            long firstLeaf = range.getPrefix() << shift;
            long leaves = 1L << shift;
            for (long leaf = firstLeaf; leaf < firstLeaf + leaves; leaf++) {
                if (stream.isCancelled()) {
                    return;
                }
                for (String id : tree.idsUnder((int) leaf)) {
                    chunk.addIds(id);
                    if (chunk.getIdsCount() == CHUNK_IDS) {
                        stream.onNext(chunk.build());
                        chunk = IdChunk.newBuilder();
                    }
                }
            }
        }
        if (chunk.getIdsCount() > 0) {
            stream.onNext(chunk.build());
        }
        stream.onCompleted();
    }
}
