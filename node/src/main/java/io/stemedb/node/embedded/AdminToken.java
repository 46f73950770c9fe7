package io.stemedb.node.embedded;

import io.stemedb.http.security.KeyDigest;
import io.stemedb.http.security.KeyEntry;
import io.stemedb.http.security.KeysFile;
import io.stemedb.http.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * The embedded node's first credential. On the first start the node generates an admin key,
 * writes it to {@code <data-dir>/admin.token} (owner-only) for the newcomer's curl examples
 * ({@code -H "Authorization: Bearer $(cat stemedb-data/admin.token)"}), and records only its
 * SHA-256 in the node's keys file {@code <data-dir>/keys}. The node itself never reads the token
 * back: deleting {@code admin.token} after saving the key elsewhere leaves the node working.
 */
final class AdminToken {

    static final String FILE_NAME = "admin.token";
    static final String KEYS_FILE_NAME = "keys";
    static final String KEY_NAME = "admin";

    private AdminToken() {}

    /**
     * The node's keys file, created on first start with a generated admin key. A data directory
     * from before keys files existed (an {@code admin.token} but no {@code keys}) gets that token's
     * digest as its admin key.
     */
    static Path ensureKeys(Path dataDirectory) {
        Path keys = dataDirectory.resolve(KEYS_FILE_NAME);
        Path token = dataDirectory.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDirectory);
            if (Files.exists(keys)) {
                return keys;
            }
            String secret;
            if (Files.exists(token)) {
                secret = Files.readString(token, StandardCharsets.UTF_8).strip();
            } else {
                secret = KeyDigest.generateKey();
                writeOwnerOnly(token, secret + "\n");
            }
            KeysFile.append(keys, new KeyEntry(KEY_NAME, EnumSet.of(Role.ADMIN), null, KeyDigest.sha256Hex(secret)));
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the node's keys in " + dataDirectory, e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
