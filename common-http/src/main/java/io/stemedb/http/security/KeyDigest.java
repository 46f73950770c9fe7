package io.stemedb.http.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API keys are 256-bit random strings, so they are stored as plain SHA-256 digests: a slow
 * password hash (bcrypt, argon2) defends guessable secrets and would cost milliseconds of CPU on
 * every request, while a random 256-bit key cannot be guessed from its digest.
 */
public final class KeyDigest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyDigest() {}

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh key: 32 random bytes, URL-safe base64 (43 characters). */
    public static String generateKey() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
