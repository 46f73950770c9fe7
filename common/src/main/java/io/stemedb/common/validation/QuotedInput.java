package io.stemedb.common.validation;

/**
 * A piece of client input as an error message may quote it: in single quotes, at most
 * {@link #MAX_CHARACTERS} characters of it, with every character a terminal or log viewer could
 * act on (controls, bidi overrides, zero-width and other format characters, lone surrogates)
 * written as a {@code \\uXXXX} escape. An answer must never hand a client's body back to it: a
 * multi-megabyte value would come back whole, and a reflected control sequence is an attack on
 * whoever reads the log.
 */
public final class QuotedInput {

    /** Characters of the input kept; the rest is summarised by its length. */
    public static final int MAX_CHARACTERS = 64;

    private QuotedInput() {}

    public static String of(String input) {
        if (input == null) {
            return "null";
        }
        StringBuilder quoted = new StringBuilder(Math.min(input.length(), MAX_CHARACTERS) + 16).append('\'');
        int end = Math.min(input.length(), MAX_CHARACTERS);
        for (int i = 0; i < end; i++) {
            char c = input.charAt(i);
            if (needsEscape(c, input, i)) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        quoted.append('\'');
        if (input.length() > MAX_CHARACTERS) {
            quoted.append("… (").append(input.length()).append(" characters)");
        }
        return quoted.toString();
    }

    private static boolean needsEscape(char c, String text, int at) {
        if (Character.isISOControl(c) || c == '\'' || c == '\\') {
            return true;
        }
        int type = Character.getType(c);
        if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return at + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(at + 1));
        }
        return Character.isLowSurrogate(c) && (at == 0 || !Character.isHighSurrogate(text.charAt(at - 1)));
    }
}
