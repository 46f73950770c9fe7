package io.stemedb.node.embedded;

/**
 * The ports of one node's services.
 *
 * @param api      api-service HTTP, default 18180
 * @param gateway  gateway-service HTTP, default 18181
 * @param rpc      replication-service gRPC (cluster RPC), default 18182
 * @param swim     membership-service UDP gossip, default 18183
 * @param wal      wal-service gRPC, internal to the node, default 18184
 * @param store    api-service gRPC (its record store, for the node's replication-service), internal
 *                 to the node, default 18188
 */
public record NodePorts(int api, int gateway, int rpc, int swim, int wal, int store) {

    public static final NodePorts DEFAULT = new NodePorts(18180, 18181, 18182, 18183, 18184, 18188);

    /** Ports from {@code first} on, one per service in the order of the fields. */
    public static NodePorts from(int first) {
        return new NodePorts(first, first + 1, first + 2, first + 3, first + 4, first + 8);
    }

    /** The default ports shifted by {@code offset}, e.g. 100 for the second node of a local cluster. */
    public static NodePorts withOffset(int offset) {
        return new NodePorts(DEFAULT.api + offset, DEFAULT.gateway + offset, DEFAULT.rpc + offset,
                DEFAULT.swim + offset, DEFAULT.wal + offset, DEFAULT.store + offset);
    }
}
