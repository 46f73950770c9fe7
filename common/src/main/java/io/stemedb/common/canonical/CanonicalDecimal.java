package io.stemedb.common.canonical;

import java.math.BigDecimal;

/**
 * The one text form of a JSON number in StemeDB's canonical encoding.
 *
 * <p>Numbers are kept as exact decimals (never rounded through {@code double}, whose
 * {@code toString} changed between JDK 17 and 19), so {@code 1}, {@code 1.0} and {@code 1e0} are the
 * same number and hash the same. The form:
 * <ul>
 *   <li>zero (including {@code -0}) is {@code 0};</li>
 *   <li>trailing fractional zeros are removed;</li>
 *   <li>plain notation while the decimal exponent is in [-6, 21): {@code 0.000001},
 *       {@code 123456789012345678901};</li>
 *   <li>otherwise scientific: one digit, optional fraction, {@code e}, sign, exponent:
 *       {@code 1e+21}, {@code 1e-7}, {@code -2.5e-8}.</li>
 * </ul>
 * The thresholds follow ECMAScript's Number-to-String so that JavaScript clients see familiar text.
 */
public final class CanonicalDecimal {

    private static final int PLAIN_MIN_EXPONENT = -6;
    private static final int PLAIN_MAX_EXPONENT = 21;

    private CanonicalDecimal() {}

    public static String format(BigDecimal number) {
        if (number.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = number.stripTrailingZeros();
        String digits = stripped.unscaledValue().abs().toString();
        // Exponent of the leading digit in scientific notation: d.ddd × 10^exponent.
        long exponent = (long) digits.length() - 1 - stripped.scale();
        if (exponent >= PLAIN_MIN_EXPONENT && exponent < PLAIN_MAX_EXPONENT) {
            return stripped.toPlainString();
        }
        StringBuilder out = new StringBuilder(digits.length() + 8);
        if (stripped.signum() < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        return out.toString();
    }
}
