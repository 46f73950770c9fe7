package io.stemedb.common.validation;

/**
 * One thing wrong with a request: the JSON field (snake_case, as the client wrote it; {@code $} for
 * the body as a whole) and what is wrong with it, in words a client developer can act on.
 */
public record FieldError(String field, String message) {

    public static final String WHOLE_BODY = "$";
}
