package io.stemedb.common.canonical;

import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.nio.ByteBuffer;
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

    private static final String ASSERTION_DOMAIN = "stemedb-assertion-v1";
    private static final String RETRACTION_DOMAIN = "stemedb-retraction-v1";
    private static final String VOTE_DOMAIN = "stemedb-vote-v1";

    private ContentHash() {}

    public static String of(AssertionContent content) {
        return HexFormat.of().formatHex(sha256().digest(encode(content)));
    }

    public static byte[] encode(AssertionContent content) {
        return encode(ASSERTION_DOMAIN, content.conceptPath(), content.predicate(), content.valueJson(),
                content.agentId(), content.confidence());
    }

    /** A retraction's id: the same agent retracting the same assertion for the same reason is one fact. */
    public static String ofRetraction(String assertionId, String agentId, String reason) {
        return HexFormat.of().formatHex(sha256().digest(encode(RETRACTION_DOMAIN, assertionId, agentId, reason)));
    }

    /**
     * A vote's id. The timestamp is part of it, because an agent may vote +1, then -1, then +1
     * again, and each is a distinct fact; retries of one request are caught before that (an
     * unchanged vote is not written again).
     */
    public static String ofVote(String assertionId, String agentId, int weight, long hlc) {
        return HexFormat.of().formatHex(sha256().digest(encode(VOTE_DOMAIN, assertionId, agentId,
                Integer.toString(weight), Long.toString(hlc))));
    }

    /**
     * Whether a record carries the id its content gives it: how a record that arrives from
     * another node (anti-entropy) is checked before anything is done with it. An epoch is named
     * by its number, not its content, and never matches.
     */
    public static boolean matches(LogRecord record) {
        if (record instanceof Assertion assertion) {
            return of(assertion.content()).equals(assertion.id());
        } else if (record instanceof Retraction retraction) {
            return ofRetraction(retraction.assertionId(), retraction.agentId(), retraction.reason()).equals(retraction.id());
        } else if (record instanceof Vote vote) {
            return ofVote(vote.assertionId(), vote.agentId(), vote.weight(), vote.hlc()).equals(vote.id());
        }
        return false;
    }

    private static byte[] encode(String domain, String... fields) {
        // Sized once and filled in place: this runs for every assertion of every write.
        byte[][] encoded = new byte[fields.length][];
        int size = domain.length() + 1;
        for (int i = 0; i < fields.length; i++) {
            encoded[i] = fields[i].getBytes(StandardCharsets.UTF_8);
            size += Integer.BYTES + encoded[i].length;
        }
        ByteBuffer out = ByteBuffer.allocate(size); // big-endian lengths
        out.put(domain.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
        for (byte[] field : encoded) {
            out.putInt(field.length).put(field);
        }
        return out.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide SHA-256", e);
        }
    }
}
