package io.stemedb.common.merkle;

import java.util.HexFormat;

/**
 * A range of the record-id space that a Merkle tree's node covers: every id whose first
 * {@code prefixBits} bits equal {@code prefix}'s. A leaf of a tree of depth d and fan-out 2^b covers
 * a prefix of d·b bits; the root covers everything (no bits).
 *
 * @param prefix     the prefix, in the low {@code prefixBits} bits
 * @param prefixBits how many leading bits of an id the range fixes (0 to 63)
 */
public record IdRange(long prefix, int prefixBits) {

    public IdRange {
        if (prefixBits < 0 || prefixBits > 63) {
            throw new IllegalArgumentException("a range fixes 0 to 63 leading bits, not " + prefixBits);
        }
        if (prefixBits < 63 && (prefix >>> prefixBits) != 0) {
            throw new IllegalArgumentException("prefix " + prefix + " has more than " + prefixBits + " bits");
        }
    }

    /** True when the id (32 bytes, or more) falls in this range. */
    public boolean contains(byte[] id) {
        return prefixBits == 0 || (leadingBits(id) >>> (64 - prefixBits)) == prefix;
    }

    /** The lowest id of the range, as 64 hex characters (for logs and the admin answers). */
    public String firstId() {
        return hex(prefixBits == 0 ? 0 : prefix << (64 - prefixBits), false);
    }

    /** The highest id of the range, as 64 hex characters. */
    public String lastId() {
        long low = prefixBits == 0 ? 0 : prefix << (64 - prefixBits);
        long high = prefixBits == 0 ? -1L : low | (-1L >>> prefixBits);
        return hex(high, true);
    }

    /** The first 64 bits of an id, big-endian. */
    public static long leadingBits(byte[] id) {
        return word(id, 0);
    }

    /** The 64 bits of an id from byte {@code offset} on, big-endian. */
    public static long word(byte[] id, int offset) {
        return java.nio.ByteBuffer.wrap(id).getLong(offset);
    }

    private static String hex(long leading, boolean restOnes) {
        return HexFormat.of().toHexDigits(leading) + (restOnes ? "f" : "0").repeat(48);
    }

    @Override
    public String toString() {
        return firstId().substring(0, 16) + ".." + lastId().substring(0, 16) + "/" + prefixBits;
    }
}
