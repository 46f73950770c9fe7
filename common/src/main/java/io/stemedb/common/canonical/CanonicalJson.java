package io.stemedb.common.canonical;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Writes a JSON value in StemeDB's canonical form, so that equal values have equal bytes and
 * therefore equal content hashes, on every node and every JVM.
 *
 * <p>The form follows RFC 8785 (JSON Canonicalization Scheme) for structure and strings, and
 * {@link CanonicalDecimal} for numbers (exact decimals instead of RFC 8785's doubles):
 * <ul>
 *   <li>no insignificant whitespace;</li>
 *   <li>object members sorted by key, comparing UTF-16 code units (as RFC 8785 does);</li>
 *   <li>strings escape only {@code "}, {@code \} and control characters below U+0020, using the
 *       short escapes {@code \b \t \n \f \r} where they exist and {@code \}{@code u00xx} (lowercase
 *       hex) otherwise; everything else is written as itself (UTF-8 when encoded);</li>
 *   <li>{@code true}, {@code false}, {@code null} as literals.</li>
 * </ul>
 * Input must already be free of duplicate keys and lone surrogates (the request reader rejects
 * both), because neither has a canonical form.
 */
public final class CanonicalJson {

    private CanonicalJson() {}

    public static String write(JsonNode value) {
        StringBuilder out = new StringBuilder(64);
        append(value, out);
        return out.toString();
    }

    private static void append(JsonNode node, StringBuilder out) {
        switch (node.getNodeType()) {
            case OBJECT -> appendObject(node, out);
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    append(node.get(i), out);
                }
                out.append(']');
            }
            case STRING -> appendString(node.stringValue(), out);
            case NUMBER -> out.append(CanonicalDecimal.format(node.decimalValue()));
            case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void appendObject(JsonNode node, StringBuilder out) {
        List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
        // String.compareTo compares UTF-16 code units, which is exactly RFC 8785's member order.
        members.sort(Map.Entry.comparingByKey());
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> member : members) {
            if (!first) {
                out.append(',');
            }
            first = false;
            appendString(member.getKey(), out);
            out.append(':');
            append(member.getValue(), out);
        }
        out.append('}');
    }

    static void appendString(String text, StringBuilder out) {
        out.append('"');
        // Most strings need no escape: copy the run before the first one that does in one go
        // (a value of a few hundred characters was a tenth of a batch write, char by char).
        int plain = 0;
        while (plain < text.length()) {
            char c = text.charAt(plain);
            if (c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            plain++;
        }
        out.append(text, 0, plain);
        for (int i = plain; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
