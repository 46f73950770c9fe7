package io.stemedb.api.query;

import io.stemedb.api.index.Cut;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Where a page of a query ended, handed to the client as an opaque string. It pins the cut the
 * first page used, so every page answers from the same state of the log, and it remembers the
 * concept and how many of that concept's items were already returned: items within a concept
 * come in a fixed order for a fixed cut, so the count is a stable position.
 *
 * @param query        fingerprint of the query it belongs to (a cursor for another query is refused)
 * @param cut          the first page's cut
 * @param conceptPath  the concept the next page starts in
 * @param skip         items of that concept already returned
 */
public record QueryCursor(String query, Cut cut, String conceptPath, long skip) {

    private static final String VERSION = "c1";

    public String encode() {
        String text = String.join("\n", VERSION, query, Long.toString(cut.maxIndex()), Long.toString(cut.maxHlc()),
                conceptPath, Long.toString(skip));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if the text is not a cursor this version wrote */
    public static QueryCursor decode(String text) {
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor from this API");
        }
        if (parts.length != 6 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a cursor from this API");
        }
        try {
            return new QueryCursor(parts[1], new Cut(Long.parseLong(parts[2]), Long.parseLong(parts[3])), parts[4],
                    Long.parseLong(parts[5]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor from this API");
        }
    }

    static String fingerprintOf(QueryRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(request.fingerprint().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
