package io.stemedb.membership.swim;

import java.util.Map;

/**
 * One member as this node sees it.
 *
 * @param since              when (this node's clock, ms) it entered its current status
 * @param clockOffsetMillis  its wall clock minus ours, from the last direct probe, or null before one
 */
public record MemberView(String id, String address, MemberStatus status, long incarnation, Map<String, String> metadata,
        long since, Long clockOffsetMillis) {}
