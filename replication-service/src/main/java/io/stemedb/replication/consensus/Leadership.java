package io.stemedb.replication.consensus;

/**
 * What a node believes about the primary now, reported whenever it changes: its term, its own
 * role, the primary it follows (null while it knows of none), and whether this node's journal
 * may take new records ({@code writable}: primary, and not handing the role over).
 */
public record Leadership(long term, Role role, String primaryId, boolean writable) {}
