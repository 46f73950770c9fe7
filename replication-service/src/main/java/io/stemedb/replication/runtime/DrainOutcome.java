package io.stemedb.replication.runtime;

/**
 * What a drain (or its end) did to the node's consensus.
 *
 * @param wasPrimary  the node was the primary when the drain reached its consensus
 * @param handedTo    the voter the role is being handed to, or null (not primary, or no other voter)
 * @param campaigning whether the node campaigns in elections now
 */
public record DrainOutcome(boolean wasPrimary, String handedTo, boolean campaigning) {}
