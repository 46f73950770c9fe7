package io.stemedb.common.validation;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Field-level reading of a JSON request object that collects problems instead of stopping at the
 * first, so that one 400 names every bad field. Shared by every request reader.
 */
public final class JsonFields {

    private JsonFields() {}

    /** Adds an error for every member of {@code body} not in {@code known}, in name order. */
    public static void rejectUnknown(JsonNode body, Set<String> known, List<FieldError> errors) {
        TreeSet<String> unknown = null;
        for (String name : body.propertyNames()) {
            if (!known.contains(name)) {
                if (unknown == null) {
                    unknown = new TreeSet<>();
                }
                unknown.add(name);
            }
        }
        if (unknown != null) {
            Set<String> allowed = new TreeSet<>(known);
            for (String name : unknown) {
                errors.add(new FieldError(name, "unknown field; allowed fields are " + allowed));
            }
        }
    }

    /**
     * The string in {@code field}; null (with an error when required) if absent or JSON null, and
     * null with an error if it is not a string.
     */
    public static String string(JsonNode body, String field, boolean required, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError(field, "must be a string, was " + typeName(node)));
            return null;
        }
        return node.stringValue();
    }

    /**
     * The whole number in {@code field} within [{@code min}, {@code max}]; null if absent or JSON
     * null, and null with an error if it is anything else ({@code 2.0} counts as 2).
     */
    public static Long wholeNumber(JsonNode body, String field, long min, long max, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            errors.add(new FieldError(field, "must be a whole number, was " + typeName(node)));
            return null;
        }
        java.math.BigDecimal value = node.decimalValue().stripTrailingZeros();
        if (value.scale() > 0 || value.compareTo(java.math.BigDecimal.valueOf(min)) < 0
                || value.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            errors.add(new FieldError(field, "must be a whole number from " + min + " to " + max + ", was "
                    + node.decimalValue().toPlainString()));
            return null;
        }
        return value.longValueExact();
    }

    /** The JSON type of a node as a client would say it: object, array, string, number, boolean, null. */
    public static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase();
    }
}
