package io.stemedb.node.embedded;

/**
 * How the services of one embedded node reach each other's gRPC contracts (api → wal,
 * replication → wal, api and gateway → replication, every service → membership). Either way it is
 * the same contract and the same client code; only the address differs (DESIGN.md §5). Calls to
 * other nodes always go over TCP.
 */
public enum InternalTransport {
    /**
     * gRPC's in-process transport ({@code in-process:<name>}): no socket, no HTTP/2 framing, and a
     * protobuf message crosses without being serialized. The services still listen on their TCP
     * ports as well (for the other nodes and for tools).
     */
    IN_PROCESS,
    /** Loopback TCP, exactly as in the split deployment. */
    TCP;

    /** The command-line spelling: {@code in-process} or {@code tcp}. */
    public static InternalTransport parse(String value) {
        return switch (value) {
            case "in-process" -> IN_PROCESS;
            case "tcp" -> TCP;
            default -> throw new IllegalArgumentException("--internal-transport must be in-process or tcp, not " + value);
        };
    }
}
