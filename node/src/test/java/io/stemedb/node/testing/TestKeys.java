package io.stemedb.node.testing;

import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodeSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The admin key the tests' nodes start with. A node's first start takes an existing
 * {@code <data-dir>/admin.token} as its admin key (and records its digest in {@code keys}), so
 * writing this key there first gives every test node a key {@link TestHttp} sends by default.
 */
public final class TestKeys {

    public static final String ADMIN = "test-admin-key-0123456789abcdefghijklmnopq";

    private TestKeys() {}

    public static void provision(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            Path token = dataDirectory.resolve("admin.token");
            if (!Files.exists(token) && !Files.exists(dataDirectory.resolve("keys"))) {
                Files.writeString(token, ADMIN + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link EmbeddedNode#start} on a data directory provisioned with {@link #ADMIN}. */
    public static EmbeddedNode start(NodeSettings settings) {
        provision(settings.dataDirectory());
        return EmbeddedNode.start(settings);
    }
}
