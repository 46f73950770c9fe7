package io.stemedb.api.query;

import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.common.model.Assertion;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Answers queries from the index. Before answering, waits until the index holds every write this
 * node has acknowledged, so a client that wrote and then reads sees its write.
 */
public class QueryService {

    private final AssertionIndex index;
    private final LongSupplier highestAcknowledgedIndex;
    private final Duration readAfterWriteTimeout;
    private final int maxResults;

    /**
     * @param highestAcknowledgedIndex the highest index this node has acknowledged to a writer
     */
    public QueryService(AssertionIndex index, LongSupplier highestAcknowledgedIndex, Duration readAfterWriteTimeout,
            int maxResults) {
        this.index = index;
        this.highestAcknowledgedIndex = highestAcknowledgedIndex;
        this.readAfterWriteTimeout = readAfterWriteTimeout;
        this.maxResults = maxResults;
    }

    public QueryResult query(QueryRequest request) {
        awaitAcknowledgedWrites();
        long asOf = index.appliedIndex();
        Stream<ConceptAssertions> concepts = request.subtree()
                ? index.subtree(request.conceptPath())
                : Stream.ofNullable(index.concept(request.conceptPath()));
        List<Assertion> matched = concepts
                .flatMap(concept -> request.lens().resolver().resolve(concept, request.predicate()))
                .limit(maxResults + 1L)
                .toList();
        boolean truncated = matched.size() > maxResults;
        return new QueryResult(request, truncated ? matched.subList(0, maxResults) : matched, truncated, asOf);
    }

    private void awaitAcknowledgedWrites() {
        long target = highestAcknowledgedIndex.getAsLong();
        try {
            if (!index.awaitApplied(target, readAfterWriteTimeout)) {
                throw new UnavailableException(UnavailableReason.INDEX_BEHIND, "the index is at " + index.appliedIndex()
                        + " but writes up to " + target + " are acknowledged; retry shortly", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException(UnavailableReason.INDEX_BEHIND, "interrupted while waiting for the index", 1);
        }
    }
}
