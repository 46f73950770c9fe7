package io.stemedb.api.query;

import io.stemedb.common.model.Assertion;
import java.util.List;

/**
 * A query's answer.
 *
 * @param request      what was asked
 * @param assertions   the answer, in the lens's order, at most the configured maximum
 * @param truncated    true if more assertions matched than were returned
 * @param asOfIndex    the log index the index had applied when it answered
 */
public record QueryResult(QueryRequest request, List<Assertion> assertions, boolean truncated, long asOfIndex) {}
