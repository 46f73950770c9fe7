package io.stemedb.common.clock;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The packed form of a hybrid logical clock timestamp and its text form.
 *
 * <p>Packed: {@code physicalMillis << 16 | logical}; 47 bits of milliseconds last until the year
 * 6429 and keep the long positive. Text: an RFC 3339 instant whose sub-millisecond nanoseconds
 * carry the logical counter ({@code 2026-11-25T10:47:00.123000004Z} is millisecond 123, logical
 * 4). Any RFC 3339 parser reads it as an instant, and the text sorts like the packed value.
 */
public final class HlcTimestamp {

    static final int LOGICAL_BITS = 16;
    static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;
    private static final int NANOS_PER_MILLI = 1_000_000;

    private HlcTimestamp() {}

    public static long pack(long physicalMillis, int logical) {
        if (physicalMillis < 0 || physicalMillis >= (1L << (63 - LOGICAL_BITS))) {
            throw new IllegalArgumentException("physical time out of range: " + physicalMillis);
        }
        if (logical < 0 || logical > LOGICAL_MASK) {
            throw new IllegalArgumentException("logical counter out of range: " + logical);
        }
        return physicalMillis << LOGICAL_BITS | logical;
    }

    public static long physicalMillis(long packed) {
        return packed >>> LOGICAL_BITS;
    }

    public static int logical(long packed) {
        return (int) (packed & LOGICAL_MASK);
    }

    public static Instant toInstant(long packed) {
        return Instant.ofEpochMilli(physicalMillis(packed)).plusNanos(logical(packed));
    }

    /**
     * The text form: exactly {@link Instant#toString()} of {@link #toInstant}, written out by hand
     * for years 1970–9999 (every write answers with one per record, and the JDK's formatter took
     * 8% of a batch request's time); other instants go through the JDK.
     */
    public static String format(long packed) {
        long millis = physicalMillis(packed);
        if (millis >= LAST_FOUR_DIGIT_YEAR_MILLIS) {
            return toInstant(packed).toString();
        }
        long seconds = Math.floorDiv(millis, 1000);
        int nanos = (int) Math.floorMod(millis, 1000) * NANOS_PER_MILLI + logical(packed);
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        StringBuilder text = new StringBuilder(30);
        text.append(date.getYear()).append('-');
        two(text, date.getMonthValue()).append('-');
        two(text, date.getDayOfMonth()).append('T');
        two(text, secondOfDay / 3600).append(':');
        two(text, secondOfDay / 60 % 60).append(':');
        two(text, secondOfDay % 60);
        if (nanos != 0) {
            // As ISO_INSTANT: the fraction in groups of three digits, as few groups as it needs.
            int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
            int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1_000 : nanos;
            String fraction = Integer.toString(value);
            text.append('.');
            for (int pad = fraction.length(); pad < digits; pad++) {
                text.append('0');
            }
            text.append(fraction);
        }
        return text.append('Z').toString();
    }

    /** 10000-01-01T00:00:00Z: from there on Instant prints a sign and more digits. */
    private static final long LAST_FOUR_DIGIT_YEAR_MILLIS = 253_402_300_800_000L;

    private static StringBuilder two(StringBuilder text, int value) {
        return text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /**
     * Reads the text form back. An instant written by something else (a client's {@code as_of})
     * is accepted too: its sub-millisecond part becomes the logical counter.
     *
     * @throws IllegalArgumentException if the text is not an RFC 3339 instant in range
     */
    public static long parse(String text) {
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 instant: " + text, e);
        }
        long millis = instant.toEpochMilli();
        int logical = instant.getNano() % NANOS_PER_MILLI;
        if (logical > LOGICAL_MASK) {
            throw new IllegalArgumentException("sub-millisecond part too large for a timestamp: " + text);
        }
        return pack(millis, logical);
    }
}
