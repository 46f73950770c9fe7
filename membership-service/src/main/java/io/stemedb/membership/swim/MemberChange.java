package io.stemedb.membership.swim;

/**
 * A change in what a {@link SwimNode} believes about a member (for logs, metrics and tests).
 *
 * @param member   the member as it is after the change
 * @param previous its status before, or null when the member was just learnt of
 * @param at       when, on the node's protocol clock (the {@code now} of the input that caused it)
 */
public record MemberChange(MemberView member, MemberStatus previous, long at) {}
