package io.stemedb.wal.groupcommit;

/**
 * The indexes an append was given (its entries hold every index in between) and the term its last
 * entry was written with: the fenced term for term-0 entries, else the entry's own.
 */
public record AppendResult(long firstIndex, long lastIndex, long term) {}
