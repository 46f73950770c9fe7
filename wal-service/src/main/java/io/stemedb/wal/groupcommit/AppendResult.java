package io.stemedb.wal.groupcommit;

/** The indexes an append was given; its entries hold every index in between. */
public record AppendResult(long firstIndex, long lastIndex) {}
