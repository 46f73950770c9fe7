package io.stemedb.node.security;

import io.stemedb.http.security.KeyDigest;
import io.stemedb.http.security.KeyEntry;
import io.stemedb.http.security.KeysFile;
import io.stemedb.http.security.Role;
import io.stemedb.node.testing.TestKeys;
import java.nio.file.Path;
import java.util.EnumSet;

/** Keys with fewer rights than the test admin key, added to a test node's keys file before it starts. */
final class TestPrincipals {

    static final String READER = "reader-key-0123456789abcdefghijklmnopqrstuv";
    static final String WRITER = "writer-key-0123456789abcdefghijklmnopqrstuv";
    /** Reader and writer, not admin: the "wrong role" for admin endpoints. */
    static final String READ_WRITE = "readwrite-key-0123456789abcdefghijklmnopqrs";
    static final String WRITER_AGENT = "agent-w";

    private TestPrincipals() {}

    /** Provisions the test admin key and adds the reader and writer keys. */
    static void provision(Path dataDirectory) {
        TestKeys.provision(dataDirectory);
        Path keys = dataDirectory.resolve("keys");
        // The keys file exists now, so the node will not add admin.token's digest itself.
        add(keys, "admin", EnumSet.of(Role.ADMIN), null, TestKeys.ADMIN);
        add(keys, "reader", EnumSet.of(Role.READER), null, READER);
        add(keys, "writer", EnumSet.of(Role.WRITER), WRITER_AGENT, WRITER);
        add(keys, "read-write", EnumSet.of(Role.READER, Role.WRITER), "agent-rw", READ_WRITE);
    }

    private static void add(Path keys, String name, EnumSet<Role> roles, String agent, String key) {
        KeysFile.append(keys, new KeyEntry(name, roles, agent, KeyDigest.sha256Hex(key)));
    }
}
