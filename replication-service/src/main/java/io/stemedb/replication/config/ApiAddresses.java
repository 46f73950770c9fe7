package io.stemedb.replication.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each member's api-service listens (to send a client to the primary): the configuration's
 * addresses ({@code stemedb.replication.members.<id>.api}), and those members that joined later
 * announce over gossip ({@code api} in their metadata). One shared, live map.
 */
public final class ApiAddresses {

    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    private final String self;

    public ApiAddresses(ReplicationProperties properties) {
        this.self = properties.nodeId();
        properties.members().forEach((id, member) -> {
            if (member.api() != null) {
                addresses.put(id, member.api());
            }
        });
    }

    /** The live map, read by the metrics and the control service. */
    public Map<String, String> asMap() {
        return addresses;
    }

    /** An address gossip announced; the configuration's, where it gives one, stays. */
    public void learn(String member, String api) {
        if (api != null && !api.isBlank() && !member.equals(self)) {
            addresses.putIfAbsent(member, api);
        }
    }
}
