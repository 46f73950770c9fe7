package io.stemedb.api.store;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.RecordTree;
import io.stemedb.proto.store.RecordStoreGrpc;
import io.stemedb.proto.store.TreeNode;
import io.stemedb.proto.store.TreeNodesRequest;
import io.stemedb.proto.store.TreeNodesResponse;
import java.util.List;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * The record store's gRPC contract ({@code stemedb_store.proto}), for this node's
 * replication-service: the Merkle tree the index keeps over its record ids. Internal, on
 * loopback (or in-process in the embedded node); the anti-entropy between nodes is the
 * replication-service's, on the cluster port.
 */
@Service
public class RecordStoreService extends RecordStoreGrpc.RecordStoreImplBase {

    /** Most parents one request may name: 4,096 × fan-out 16 nodes ≈ 2.7 MB of answer, under gRPC's 4 MB default. */
    static final int MAX_PARENTS = 4_096;

    private final RecordTree tree;
    private final LongSupplier appliedIndex;

    @Autowired
    public RecordStoreService(AssertionIndex index) {
        this(index.tree(), index::appliedIndex);
    }

    /** Over a tree that is not an index's (the bench's stores of a million ids). */
    public RecordStoreService(RecordTree tree, LongSupplier appliedIndex) {
        this.tree = tree;
        this.appliedIndex = appliedIndex;
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
}
