package io.stemedb.api.query.lens;

import io.stemedb.common.model.LogRecord;

/**
 * One item of a query's answer: an assertion (or, in history, a retraction), with what the lens
 * computed about it.
 *
 * @param record     the assertion or retraction
 * @param netVotes   the assertion's net votes at the query's cut, for the consensus lens; else null
 * @param retracted  for an assertion in history: whether it is retracted at the cut
 */
public record QueryHit(LogRecord record, Integer netVotes, boolean retracted) {}
