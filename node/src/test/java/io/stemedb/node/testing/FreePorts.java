package io.stemedb.node.testing;

import io.stemedb.node.embedded.NodePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports the OS reports free right now, so that tests never collide with a running node. */
public final class FreePorts {

    private FreePorts() {}

    public static NodePorts forNode() {
        List<ServerSocket> held = new ArrayList<>();
        try {
            // Hold all six at once so the OS cannot hand the same one out twice.
            for (int i = 0; i < 6; i++) {
                held.add(new ServerSocket(0));
            }
            return new NodePorts(held.get(0).getLocalPort(), held.get(1).getLocalPort(), held.get(2).getLocalPort(),
                    held.get(3).getLocalPort(), held.get(4).getLocalPort(), held.get(5).getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket cannot matter
                }
            }
        }
    }
}
