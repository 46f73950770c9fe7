package io.stemedb.common.canonical;

import io.stemedb.common.model.AssertionContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names an assertion by its content: SHA-256 over a canonical byte encoding, as lowercase hex.
 *
 * <p>Encoding, version 1 (see docs/data-model.md; changing it changes every id):
 * <pre>
 *   "stemedb-assertion-v1" 0x00
 *   then for each field in this order, concept_path, predicate, value, agent_id, confidence:
 *     u32 big-endian byte length, the field's UTF-8 bytes
 * </pre>
 * where value is canonical JSON and confidence a canonical decimal. Lengths make the encoding
 * unambiguous whatever bytes the fields hold. Timestamp, term and index are left out on purpose:
 * the same claim written twice, or replayed on another node, keeps one name.
 */
public final class ContentHash {

    private static final byte[] DOMAIN = "stemedb-assertion-v1\0".getBytes(StandardCharsets.US_ASCII);

    private ContentHash() {}

    public static String of(AssertionContent content) {
        return HexFormat.of().formatHex(sha256().digest(encode(content)));
    }

    public static byte[] encode(AssertionContent content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + content.valueJson().length());
        out.writeBytes(DOMAIN);
        writeField(out, content.conceptPath());
        writeField(out, content.predicate());
        writeField(out, content.valueJson());
        writeField(out, content.agentId());
        writeField(out, content.confidence());
        return out.toByteArray();
    }

    private static void writeField(ByteArrayOutputStream out, String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length;
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide SHA-256", e);
        }
    }
}
