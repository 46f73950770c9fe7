package io.stemedb.api.query;

import io.stemedb.api.index.Cut;
import io.stemedb.api.query.lens.QueryHit;
import java.util.List;

/**
 * A query's answer, one page of it.
 *
 * @param request     what was asked
 * @param hits        this page's items, in the lens's order
 * @param nextCursor  the cursor for the next page, or null when this is the last
 * @param cut         the point of the log the answer reflects
 */
public record QueryResult(QueryRequest request, List<QueryHit> hits, String nextCursor, Cut cut) {}
