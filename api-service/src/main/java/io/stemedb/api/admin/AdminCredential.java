package io.stemedb.api.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The admin credential: a bearer token, held in memory only as its SHA-256 (the token itself is
 * never kept or logged). Comes from {@code stemedb.api.admin.token-file} (a file holding the
 * token, as a Kubernetes secret is mounted) or {@code stemedb.api.admin.token} (env
 * {@code STEMEDB_API_ADMIN_TOKEN}). With neither, every admin request is refused: admin endpoints
 * fail closed.
 */
public final class AdminCredential {

    private static final int MIN_TOKEN_CHARACTERS = 16;

    private final byte[] tokenDigest;

    private AdminCredential(byte[] tokenDigest) {
        this.tokenDigest = tokenDigest;
    }

    public static AdminCredential from(String token, Path tokenFile) {
        String secret = token;
        if (tokenFile != null) {
            try {
                secret = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the admin token file " + tokenFile, e);
            }
        }
        if (secret == null || secret.isBlank()) {
            return new AdminCredential(null);
        }
        if (secret.length() < MIN_TOKEN_CHARACTERS) {
            throw new IllegalArgumentException("the admin token must have at least " + MIN_TOKEN_CHARACTERS + " characters");
        }
        return new AdminCredential(sha256(secret));
    }

    public boolean configured() {
        return tokenDigest != null;
    }

    /** Constant-time check of a presented token. */
    public boolean accepts(String presented) {
        return tokenDigest != null && presented != null && MessageDigest.isEqual(tokenDigest, sha256(presented));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
