package io.stemedb.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.common.merkle.IdRange;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import io.stemedb.proto.antientropy.DiffResponse;
import io.stemedb.proto.antientropy.DifferingRange;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/admin/cluster/merkle-diff {"other_node"}} (admin key): where this node's store
 * and another member's differ, from their Merkle trees alone — the ranges of the id space that
 * differ and how many records each side holds in each. No records move. Asked of the local
 * replication-service, which compares over the cluster port.
 */
@RestController
public class MerkleDiffController {

    private final ObjectProvider<ReplicationClient> replication;
    private final JsonRequestReader json;

    public MerkleDiffController(ObjectProvider<ReplicationClient> replication, ValidationLimits limits) {
        this.replication = replication;
        this.json = new JsonRequestReader(limits);
    }

    @PostMapping(path = "/v1/admin/cluster/merkle-diff", produces = MediaType.APPLICATION_JSON_VALUE)
    public MerkleDiff diff(@RequestBody(required = false) byte[] body) {
        String otherNode = otherNode(body);
        DiffResponse answer = ReplicationCalls.aboutMember(replication, "other_node", client -> client.merkleDiff(otherNode));
        return MerkleDiff.of(answer);
    }

    private String otherNode(byte[] body) {
        return SingleFieldBody.read(json, body, "other_node", "must be a member's node id", id -> true);
    }

    /**
     * @param identical     true when the two stores hold the same records (no ranges)
     * @param exact         whether {@code onlyHere} and {@code onlyThere} are exact (false when the
     *                      ranges held more ids than a diff lists; then null)
     * @param onlyHere      records this node holds and the other does not
     * @param onlyThere     records the other node holds and this one does not
     * @param ranges        the differing ranges, in id order
     * @param nodesRead     tree nodes read from each side
     * @param bytesReceived bytes of the other node's answers
     * @param rounds        questions asked of each side (at most one per level of the tree)
     * @param idsListed     ids listed from each side to count the one-sided records exactly
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MerkleDiff(String node, String otherNode, boolean identical, boolean exact, Long onlyHere,
            Long onlyThere, long recordsHere, long recordsThere, long appliedIndexHere, long appliedIndexThere,
            List<Range> ranges, long nodesRead, long bytesReceived, int rounds, long idsListed) {

        static MerkleDiff of(DiffResponse answer) {
            List<Range> ranges = new ArrayList<>();
            for (DifferingRange range : answer.getRangesList()) {
                IdRange ids = new IdRange(range.getPrefix(), range.getPrefixBits());
                ranges.add(new Range(ids.firstId(), ids.lastId(), range.getPrefixBits(), range.getHere(), range.getThere()));
            }
            boolean exact = answer.getExact() || ranges.isEmpty();
            return new MerkleDiff(answer.getNode(), answer.getOtherNode(), ranges.isEmpty(), exact,
                    exact ? answer.getOnlyHere() : null, exact ? answer.getOnlyThere() : null, answer.getRecordsHere(),
                    answer.getRecordsThere(), answer.getAppliedIndexHere(), answer.getAppliedIndexThere(), ranges,
                    answer.getNodesRead(), answer.getBytesReceived(), answer.getRounds(), answer.getIdsListed());
        }
    }

    /**
     * @param firstId    lowest id of the range (64 hex characters)
     * @param lastId     highest id of the range
     * @param prefixBits leading bits of an id the range fixes
     * @param here       records this node holds in it
     * @param there      records the other node holds in it
     */
    public record Range(String firstId, String lastId, int prefixBits, long here, long there) {}
}
