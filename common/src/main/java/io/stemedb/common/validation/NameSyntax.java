package io.stemedb.common.validation;

import java.util.Optional;

/**
 * The syntax of concept paths and of names (path segments, predicates, agent ids).
 *
 * <p>A name is 1 to {@code maxNameLength} characters from {@code A-Z a-z 0-9 . _ ~ : @ + -}, and not
 * {@code .} or {@code ..}. The set is ASCII so that equal-looking names are equal strings (no
 * Unicode normalisation question can change a content hash), and it leaves out {@code /} (the
 * separator), {@code *} (reserved for subtree queries), whitespace, quotes and percent signs.
 * A concept path is one or more names joined by single slashes, with no leading or trailing slash.
 */
public final class NameSyntax {

    public static final String ALLOWED_CHARACTERS = "A-Z a-z 0-9 . _ ~ : @ + -";

    private NameSyntax() {}

    /** What is wrong with this name, or empty if it is fine. */
    public static Optional<String> nameProblem(String name, ValidationLimits limits) {
        if (name.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (name.length() > limits.maxNameLength()) {
            return Optional.of("must be at most " + limits.maxNameLength() + " characters, was " + name.length());
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("must not be '.' or '..'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isNameCharacter(c)) {
                return Optional.of("contains " + describe(c) + " at position " + i
                        + "; allowed characters are " + ALLOWED_CHARACTERS);
            }
        }
        return Optional.empty();
    }

    /** What is wrong with this concept path, or empty if it is fine. */
    public static Optional<String> conceptPathProblem(String path, ValidationLimits limits) {
        if (path.isEmpty()) {
            return Optional.of("must not be empty");
        }
        // Paths are ASCII when valid, so characters and UTF-8 bytes agree; checking the length first
        // keeps a huge path from being split.
        if (path.length() > limits.maxConceptPathBytes()) {
            return Optional.of("must be at most " + limits.maxConceptPathBytes() + " bytes, was " + path.length());
        }
        if (path.startsWith("/") || path.endsWith("/")) {
            return Optional.of("must not start or end with '/'");
        }
        String[] segments = path.split("/", -1);
        if (segments.length > limits.maxPathSegments()) {
            return Optional.of("must have at most " + limits.maxPathSegments() + " segments, had " + segments.length);
        }
        for (int i = 0; i < segments.length; i++) {
            Optional<String> problem = nameProblem(segments[i], limits);
            if (problem.isPresent()) {
                return Optional.of("segment " + (i + 1) + " " + problem.get());
            }
        }
        return Optional.empty();
    }

    private static boolean isNameCharacter(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '~' || c == ':' || c == '@' || c == '+' || c == '-';
    }

    private static String describe(char c) {
        if (c >= 0x21 && c < 0x7F) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
