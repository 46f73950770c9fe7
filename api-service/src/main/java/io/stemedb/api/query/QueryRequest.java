package io.stemedb.api.query;

import io.stemedb.api.query.lens.Lens;

/**
 * A validated query.
 *
 * @param conceptPath the concept, or the root of the subtree
 * @param subtree     true when the client asked for {@code conceptPath/**}
 * @param predicate   the predicate, or null for all
 * @param lens        how to resolve the assertions
 * @param asOf        the point of the log to answer for, or null for now
 * @param limit       most items in this page
 * @param cursor      where the previous page ended, or null for the first page
 * @param minIndex    answer only once the index has applied this log index (a write's
 *                    {@code index}: read-your-writes on any node); 0 for no wait
 * @param strong      {@code consistency: "strong"}: confirmed by the primary as reflecting every
 *                    write acknowledged before the query
 */
public record QueryRequest(String conceptPath, boolean subtree, String predicate, Lens lens, AsOf asOf, int limit,
        QueryCursor cursor, long minIndex, boolean strong) {

    public QueryRequest(String conceptPath, boolean subtree, String predicate, Lens lens, AsOf asOf, int limit,
            QueryCursor cursor) {
        this(conceptPath, subtree, predicate, lens, asOf, limit, cursor, 0, false);
    }

    /** What a cursor must have been issued for: the same question, whatever the page. */
    String fingerprint() {
        return conceptPath + (subtree ? "/**" : "") + "\u0000" + (predicate == null ? "" : predicate) + "\u0000"
                + lens.wireName();
    }
}
