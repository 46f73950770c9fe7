package io.stemedb.common.validation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses request bodies strictly, so that whatever gets past it has exactly one canonical form.
 *
 * <p>Rejected with a 400-style {@link InvalidRequestException} on {@code $}: malformed JSON or
 * invalid UTF-8, an empty body, trailing content after the value, nesting deeper than the limit,
 * duplicate object keys (which value would the hash cover?), and strings holding a lone UTF-16
 * surrogate (written as a {@code \}{@code ud800} escape; it has no UTF-8 encoding). Numbers are
 * read as exact decimals, never as doubles.
 */
public final class JsonRequestReader {

    private final JsonMapper mapper;

    public JsonRequestReader(ValidationLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxJsonDepth())
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** Parses a body that must be a JSON object. */
    public JsonNode readObject(byte[] body) {
        JsonNode root = read(body);
        if (!root.isObject()) {
            throw InvalidRequestException.of(FieldError.WHOLE_BODY,
                    "must be a JSON object, was " + root.getNodeType().name().toLowerCase());
        }
        return root;
    }

    public JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw InvalidRequestException.of(FieldError.WHOLE_BODY, "request body is empty; send a JSON object");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw InvalidRequestException.of(FieldError.WHOLE_BODY, "malformed JSON: " + describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw InvalidRequestException.of(FieldError.WHOLE_BODY, "request body is empty; send a JSON object");
        }
        rejectLoneSurrogates(root);
        return root;
    }

    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        // Jackson messages can quote large parts of the input; keep the answer small.
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        }
        return message;
    }

    private static void rejectLoneSurrogates(JsonNode root) {
        // Iterative, so a deep (but allowed) document cannot exhaust the stack here. A node's JSON
        // pointer is only spelled out for a container (its members need it) or a failure: a batch
        // of a thousand assertions would otherwise build ten thousand pointer strings to no end.
        Deque<Located> pending = new ArrayDeque<>();
        pending.push(new Located(null, "", root));
        while (!pending.isEmpty()) {
            Located next = pending.pop();
            JsonNode node = next.node();
            if (node.isString() && hasLoneSurrogate(node.stringValue())) {
                throw loneSurrogate(next.pointer());
            }
            if (node.isObject()) {
                String pointer = next.pointer();
                for (Map.Entry<String, JsonNode> member : node.properties()) {
                    if (hasLoneSurrogate(member.getKey())) {
                        throw loneSurrogate(pointer);
                    }
                    pending.push(new Located(pointer, member.getKey(), member.getValue()));
                }
            } else if (node.isArray()) {
                String pointer = next.pointer();
                for (int i = 0; i < node.size(); i++) {
                    pending.push(new Located(pointer, Integer.toString(i), node.get(i)));
                }
            }
        }
    }

    /** A node and where it is: its parent's JSON pointer (null for the root) and its key in it. */
    private record Located(String parent, String key, JsonNode node) {
        String pointer() {
            return parent == null ? key : parent + "/" + key;
        }
    }

    private static InvalidRequestException loneSurrogate(String pointer) {
        return InvalidRequestException.of(FieldError.WHOLE_BODY,
                "string at JSON pointer " + QuotedInput.of(pointer) + " holds a lone UTF-16 surrogate, which has no UTF-8 form");
    }

    static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
