package io.stemedb.replication.consensus;

/**
 * An entry the primary's consensus wants in the log (its term's no-op, a configuration change).
 * The primary's journal assigns indexes to everything written on it, records and these alike, so
 * the caller appends it there, and the consensus learns its index like any other entry's
 * ({@link ConsensusNode#localAppended}).
 */
public record Proposal(EntryKind kind, byte[] payload) {}
