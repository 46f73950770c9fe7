package io.stemedb.node.embedded;

/**
 * The ports of one node's services.
 *
 * @param api      api-service HTTP, default 18180
 * @param gateway  gateway-service HTTP, default 18181
 * @param rpc      replication-service gRPC (cluster RPC), default 18182
 * @param swim     membership-service UDP gossip, default 18183
 * @param wal      wal-service gRPC, internal to the node, default 18184
 */
public record NodePorts(int api, int gateway, int rpc, int swim, int wal) {

    public static final NodePorts DEFAULT = new NodePorts(18180, 18181, 18182, 18183, 18184);

    /** The default ports shifted by {@code offset}, e.g. 100 for the second node of a local cluster. */
    public static NodePorts withOffset(int offset) {
        return new NodePorts(DEFAULT.api + offset, DEFAULT.gateway + offset, DEFAULT.rpc + offset,
                DEFAULT.swim + offset, DEFAULT.wal + offset);
    }
}
