package io.stemedb.node.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded node's admin credential: generated on first start into {@code <data-dir>/admin.token}
 * (readable by its owner only), so a newcomer can call admin endpoints with
 * {@code -H "Authorization: Bearer $(cat stemedb-data/admin.token)"} without configuring anything.
 */
final class AdminToken {

    static final String FILE_NAME = "admin.token";

    private AdminToken() {}

    /** The token file, created with a fresh random token if it does not exist. */
    static Path ensure(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDirectory);
            if (Files.exists(file)) {
                return file;
            }
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException raced) {
                return file;
            }
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the admin token file " + file, e);
        }
    }
}
