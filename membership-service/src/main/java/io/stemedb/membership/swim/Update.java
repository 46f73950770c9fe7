package io.stemedb.membership.swim;

import java.util.Map;

/**
 * A membership fact, gossiped piggyback on protocol messages: "member {@code id} at
 * {@code address} is {@code status} at {@code incarnation}". Only the member itself raises its
 * incarnation (to refute a suspicion, or when it rejoins), which is what orders the facts.
 *
 * @param from      who asserts it (for a suspicion: the suspecter, counted as a confirmation)
 * @param metadata  the member's own metadata (role, service addresses, …), carried with its alive facts
 */
public record Update(String id, String address, long incarnation, MemberStatus status, String from,
        Map<String, String> metadata) {

    public Update {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
