package io.stemedb.api.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.ConceptAssertions;
import io.stemedb.api.index.Cut;
import io.stemedb.api.query.lens.LensResolver;
import io.stemedb.api.query.lens.QueryHit;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Answers queries from the index, one page at a time. Before answering "now", waits (bounded) until
 * the index holds every write this node has acknowledged, the query's {@code min_index} (a write's
 * index, acknowledged by whichever node: read-your-writes on any node) and, for a strong read, the
 * index the primary confirms (ReadIndex); 503 {@code index_behind} if it does not get there in time.
 */
public class QueryService {

    private final AssertionIndex index;
    private final LongSupplier highestAcknowledgedIndex;
    private final Duration readAfterWriteTimeout;
    private final LongSupplier strongReadIndex;
    private final Counter indexBehind;

    /**
     * @param highestAcknowledgedIndex the highest index this node has acknowledged to a writer
     */
    public QueryService(AssertionIndex index, LongSupplier highestAcknowledgedIndex, Duration readAfterWriteTimeout,
            MeterRegistry registry) {
        this(index, highestAcknowledgedIndex, readAfterWriteTimeout, () -> {
            throw new UnavailableException(UnavailableReason.REPLICATION_UNAVAILABLE,
                    "strong reads need the node's consensus, and this node runs without replication", 5);
        }, registry);
    }

    /**
     * @param strongReadIndex the index a strong read must wait for, confirmed by the primary
     *     (ReadIndex); throws {@link UnavailableException} where it cannot be confirmed
     */
    public QueryService(AssertionIndex index, LongSupplier highestAcknowledgedIndex, Duration readAfterWriteTimeout,
            LongSupplier strongReadIndex, MeterRegistry registry) {
        this.strongReadIndex = strongReadIndex;
        this.indexBehind = ReadsRefused.counter(registry, UnavailableReason.INDEX_BEHIND);
        this.index = index;
        this.highestAcknowledgedIndex = highestAcknowledgedIndex;
        this.readAfterWriteTimeout = readAfterWriteTimeout;
    }

    public QueryResult query(QueryRequest request) {
        String fingerprint = QueryCursor.fingerprintOf(request);
        Cut cut;
        String startConcept = null;
        long skip = 0;
        if (request.cursor() != null) {
            if (!request.cursor().query().equals(fingerprint)) {
                throw new InvalidRequestException(List.of(new FieldError("cursor",
                        "this cursor belongs to a different query (concept_path, predicate and lens must stay the same)")));
            }
            cut = request.cursor().cut();
            startConcept = request.cursor().conceptPath();
            skip = request.cursor().skip();
        } else {
            long needed = Math.max(highestAcknowledgedIndex.getAsLong(), request.minIndex());
            if (request.strong()) {
                needed = Math.max(needed, strongReadIndex.getAsLong());
            }
            awaitApplied(needed);
            cut = cutFor(request.asOf());
        }
        LensResolver lens = request.lens().resolver(index);
        Stream<ConceptAssertions> concepts = request.subtree()
                ? index.subtree(request.conceptPath(), startConcept)
                : Stream.ofNullable(index.concept(request.conceptPath()));

        List<QueryHit> page = new ArrayList<>(Math.min(request.limit(), 1024));
        Iterator<ConceptAssertions> each = concepts.iterator();
        boolean firstConcept = true;
        while (each.hasNext()) {
            ConceptAssertions concept = each.next();
            long toSkip = firstConcept && concept.path().equals(startConcept) ? skip : 0;
            firstConcept = false;
            Iterator<QueryHit> hits = lens.resolve(concept, request.predicate(), cut).skip(toSkip).iterator();
            long taken = toSkip;
            while (hits.hasNext()) {
                QueryHit hit = hits.next();
                if (page.size() == request.limit()) {
                    String next = new QueryCursor(fingerprint, cut, concept.path(), taken).encode();
                    return new QueryResult(request, page, next, cut);
                }
                page.add(hit);
                taken++;
            }
        }
        return new QueryResult(request, page, null, cut);
    }

    private Cut cutFor(AsOf asOf) {
        long applied = index.appliedIndex();
        if (asOf == null) {
            return Cut.atIndex(applied);
        }
        return switch (asOf.kind()) {
            case INDEX -> Cut.atIndex(Math.min(asOf.value(), applied));
            case TIMESTAMP -> new Cut(applied, asOf.value());
            case EPOCH -> {
                Epoch epoch = index.epoch(asOf.value());
                if (epoch == null || epoch.index() > applied) {
                    throw new InvalidRequestException(List.of(new FieldError(AsOf.Kind.EPOCH.field(), "there is no epoch "
                            + asOf.value() + " (epochs so far: " + index.epochs().size() + ")")));
                }
                yield Cut.atIndex(epoch.index() - 1);
            }
        };
    }

    /** Waits (bounded) until the index has applied {@code target}: acknowledged writes, min_index, a strong read. */
    private void awaitApplied(long target) {
        try {
            if (!index.awaitApplied(target, readAfterWriteTimeout)) {
                indexBehind.increment();
                throw new UnavailableException(UnavailableReason.INDEX_BEHIND, "the index is at " + index.appliedIndex()
                        + " and this query needs index " + target + " (an acknowledged write, min_index or a strong read);"
                        + " retry shortly", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            indexBehind.increment();
            throw new UnavailableException(UnavailableReason.INDEX_BEHIND, "interrupted while waiting for the index", 1);
        }
    }
}
