package io.stemedb.common.validation;

/**
 * One thing wrong with a request: the JSON field (snake_case, as the client wrote it; {@code $} for
 * the body as a whole) and what is wrong with it, in words a client developer can act on.
 *
 * <p>A field name can come from the client (an unknown member of its object): one longer than
 * {@link #MAX_FIELD_CHARACTERS} is quoted short (see {@link QuotedInput}), and a message is cut at
 * {@link #MAX_MESSAGE_CHARACTERS}, so no error repeats a large request back.
 */
public record FieldError(String field, String message) {

    public static final String WHOLE_BODY = "$";
    public static final int MAX_FIELD_CHARACTERS = 128;
    public static final int MAX_MESSAGE_CHARACTERS = 512;

    public FieldError {
        if (field.length() > MAX_FIELD_CHARACTERS || hasControl(field)) {
            field = QuotedInput.of(field);
        }
        if (message.length() > MAX_MESSAGE_CHARACTERS) {
            int end = Character.isHighSurrogate(message.charAt(MAX_MESSAGE_CHARACTERS - 1))
                    ? MAX_MESSAGE_CHARACTERS - 1 : MAX_MESSAGE_CHARACTERS;
            message = message.substring(0, end) + "…";
        }
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                return true;
            }
        }
        return false;
    }
}
