package io.stemedb.common.validation;

/**
 * The size limits every assertion and query is held to. Defaults are documented in
 * docs/api.md; they are deliberately generous for real data and small enough that one request
 * cannot make a node allocate without bound.
 *
 * @param maxConceptPathBytes bytes in a concept path (UTF-8; paths are ASCII), default 512
 * @param maxPathSegments     segments in a concept path, default 32
 * @param maxNameLength       characters in one path segment, a predicate or an agent id, default 128
 * @param maxValueBytes       bytes of a value in canonical JSON (UTF-8), default 65536
 * @param maxJsonDepth        nesting depth of a request body, default 64
 */
public record ValidationLimits(
        int maxConceptPathBytes, int maxPathSegments, int maxNameLength, int maxValueBytes, int maxJsonDepth) {

    public static final int DEFAULT_MAX_CONCEPT_PATH_BYTES = 512;
    public static final int DEFAULT_MAX_PATH_SEGMENTS = 32;
    public static final int DEFAULT_MAX_NAME_LENGTH = 128;
    public static final int DEFAULT_MAX_VALUE_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_JSON_DEPTH = 64;

    public ValidationLimits {
        requirePositive(maxConceptPathBytes, "maxConceptPathBytes");
        requirePositive(maxPathSegments, "maxPathSegments");
        requirePositive(maxNameLength, "maxNameLength");
        requirePositive(maxValueBytes, "maxValueBytes");
        requirePositive(maxJsonDepth, "maxJsonDepth");
    }

    public static ValidationLimits defaults() {
        return new ValidationLimits(
                DEFAULT_MAX_CONCEPT_PATH_BYTES,
                DEFAULT_MAX_PATH_SEGMENTS,
                DEFAULT_MAX_NAME_LENGTH,
                DEFAULT_MAX_VALUE_BYTES,
                DEFAULT_MAX_JSON_DEPTH);
    }

    private static void requirePositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
