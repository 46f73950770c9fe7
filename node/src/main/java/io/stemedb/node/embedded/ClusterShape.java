package io.stemedb.node.embedded;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which cluster a node belongs to, as its replication-service needs it the first time it starts:
 * W ({@code replication.factor}) and every member's addresses and election priority. A node on its
 * own has no members and factor 1. After the first start the configuration in the log rules.
 *
 * @param members id → where it listens (its replication-service and api-service) and its priority
 * @param join    the node joins a running cluster of the other members: a learner at first, it asks
 *                them to add it ({@code stemedb.replication.join})
 */
public record ClusterShape(int replicationFactor, Map<String, Member> members, boolean join) {

    public ClusterShape(int replicationFactor, Map<String, Member> members) {
        this(replicationFactor, members, false);
    }

    /** @param rpc host:port of its replication-service; @param api host:port of its api-service */
    public record Member(String rpc, String api, int priority) {}

    public static final ClusterShape ALONE = new ClusterShape(1, Map.of());

    public ClusterShape {
        members = Map.copyOf(new TreeMap<>(members));
    }

    /**
     * Parses {@code ID=RPC_HOST:PORT/API_HOST:PORT[/PRIORITY]}, the form of {@code stemedb run --member}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Map.Entry<String, Member> parseMember(String text) {
        int equals = text.indexOf('=');
        String[] parts = equals < 1 ? new String[0] : text.substring(equals + 1).split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("--member must be ID=RPC_HOST:PORT/API_HOST:PORT[/PRIORITY], was '" + text + "'");
        }
        int priority = 1;
        if (parts.length == 3) {
            try {
                priority = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--member priority must be a whole number, was '" + parts[2] + "'");
            }
        }
        return Map.entry(text.substring(0, equals), new Member(parts[0], parts[1], priority));
    }
}
