package io.stemedb.node.security;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Generates malformed and hostile requests from a seed: random JSON, huge strings, deep nesting,
 * bad UTF-8, wrong types, path traversal and control characters in names, absurd numbers.
 */
final class HostileInput {

    /** One generated request. */
    record Request(String method, String path, byte[] body, String contentType, String key, String description) {}

    private static final List<String> WRITE_PATHS = List.of("/v1/assert", "/v1/assert/batch", "/v1/vote", "/v1/retract",
            "/v1/epochs", "/v1/query", "/v1/assert", "/v1/query",
            // Admin endpoints get the same hostile bodies (three keys in four are the admin's).
            "/v1/admin/import-assertions", "/v1/admin/rate-limit", "/v1/admin/circuit-breaker/reset",
            "/v1/admin/cluster/remove", "/v1/admin/export-assertions", "/admin/cluster/remove");
    private static final List<String> FIELDS = List.of("concept_path", "predicate", "value", "agent_id", "confidence",
            "assertion_id", "weight", "reason", "label", "lens", "limit", "cursor", "as_of_index", "as_of_epoch",
            "as_of_timestamp", "assertions", "max_assertions_per_sec");
    private static final List<String> NASTY_NAMES = List.of("../../etc/passwd", "a/../b", "..", ".", "/abs/path", "a//b",
            "a/b/", "%2e%2e/%2e%2e", "a\u0000b", "a\nb", "\u202eevil", "a/**/b", "**", "*", "a b", "\ud83d\ude00/x",
            "C:\\windows", "a\\..\\b", "", " ", "\t", "null", "\uFEFFbom", "a/" + "b/".repeat(200) + "c",
            "x".repeat(5000), "\ud800", "fuzz/\u0007bell", "a/b?c=d", "a#b", "%00");
    private static final List<String> NASTY_NUMBERS = List.of("1e999999", "-1e999999", "1e-999999", "NaN", "Infinity",
            "-0", "0.1e1", "99999999999999999999999999999999", "-9223372036854775809", "1.", ".5", "01", "0x10", "+1");

    private final Random random;

    HostileInput(long seed) {
        this.random = new Random(seed);
    }

    Request next() {
        String key = switch (random.nextInt(10)) {
            case 0 -> TestPrincipals.READER;
            case 1 -> TestPrincipals.WRITER;
            case 2 -> "garbage-key-" + random.nextInt(1000);
            default -> io.stemedb.node.testing.TestKeys.ADMIN;
        };
        int kind = random.nextInt(15);
        return switch (kind) {
            case 0 -> json("random JSON", randomJson(0), key);
            case 1 -> json("deep nesting", deep(200 + random.nextInt(5000)), key);
            case 2 -> json("huge string", "{\"concept_path\":\"" + "a".repeat(10_000 + random.nextInt(200_000)) + "\"}", key);
            case 3 -> raw("bad UTF-8", badUtf8(), key);
            case 4 -> json("wrong types", wrongTypes(), key);
            case 5 -> json("nasty names", nastyNames(), key);
            case 6 -> json("nasty numbers", nastyNumbers(), key);
            case 7 -> json("truncated JSON", truncated(), key);
            case 8 -> new Request(pick(List.of("PUT", "DELETE", "PATCH", "POST", "GET")), pick(WRITE_PATHS),
                    "{}".getBytes(StandardCharsets.UTF_8), pick(List.of("text/plain", "application/xml", "application/json",
                    "multipart/form-data; boundary=x", "application/json; charset=latin1")), key, "method/content type");
            case 9 -> new Request("GET", "/v1/assertions/" + urlNasty(), null, null, key, "lookup with a nasty id");
            case 10 -> new Request("GET", "/v1/watch?concept_path=" + urlNasty() + "&from_index=" + pick(NASTY_NUMBERS)
                    .replace("+", "%2B"), null, null, key, "watch with nasty parameters");
            case 11 -> json("batch of junk", "{\"assertions\":[" + randomJson(1) + "," + nastyNames() + "," + wrongTypes() + "]}",
                    key, "/v1/assert/batch");
            case 13 -> new Request(pick(List.of("GET", "POST")), pick(List.of("/v1//assert", "/v1/./query", "/error",
                    "/v1/assertions/..;x", "/v1/%2e%2e/admin/snapshot", "/v1/admin/../assert", "/v1/assertions/a%2Fb",
                    "/v1/query;jsessionid=x", "/v1/%0d%0aquery", "/v1/admin/%2e%2e/%2e%2e/assert", "/v1/assert%00")),
                    "{}".getBytes(StandardCharsets.UTF_8), "application/json", key, "hostile path");
            case 12 -> json("duplicate keys", "{\"concept_path\":\"a/b\",\"concept_path\":\"c/d\",\"predicate\":\"p\",\"value\":1}", key);
            default -> new Request("POST", pick(WRITE_PATHS), new byte[0], "application/json", key, "empty body");
        };
    }

    private Request json(String description, String body, String key) {
        return json(description, body, key, pick(WRITE_PATHS));
    }

    private Request json(String description, String body, String key, String path) {
        return new Request("POST", path, body.getBytes(StandardCharsets.UTF_8), "application/json", key, description);
    }

    private Request raw(String description, byte[] body, String key) {
        return new Request("POST", pick(WRITE_PATHS), body, "application/json", key, description);
    }

    private String randomJson(int depth) {
        int choice = depth > 4 ? random.nextInt(4) : random.nextInt(7);
        return switch (choice) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> quote(randomString(random.nextInt(40)));
            case 2 -> random.nextBoolean() ? "true" : "null";
            case 3 -> Double.toString(random.nextGaussian() * 1e6);
            case 4 -> {
                StringBuilder array = new StringBuilder("[");
                for (int i = random.nextInt(5); i > 0; i--) {
                    array.append(randomJson(depth + 1)).append(i > 1 ? "," : "");
                }
                yield array.append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                for (int i = random.nextInt(6); i > 0; i--) {
                    String field = random.nextInt(3) == 0 ? randomString(8) : pick(FIELDS);
                    object.append(quote(field)).append(':').append(randomJson(depth + 1)).append(i > 1 ? "," : "");
                }
                yield object.append('}').toString();
            }
        };
    }

    private String deep(int levels) {
        String open = random.nextBoolean() ? "[" : "{\"value\":";
        String close = open.equals("[") ? "]" : "}";
        return "{\"concept_path\":\"a/b\",\"predicate\":\"p\",\"value\":" + open.repeat(levels) + "1" + close.repeat(levels) + "}";
    }

    private byte[] badUtf8() {
        byte[] prefix = "{\"concept_path\":\"a/".getBytes(StandardCharsets.UTF_8);
        byte[] junk = new byte[1 + random.nextInt(20)];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (0x80 + random.nextInt(0x80)); // continuation and lead bytes out of place
        }
        byte[] suffix = "\",\"predicate\":\"p\",\"value\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[prefix.length + junk.length + suffix.length];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        System.arraycopy(junk, 0, body, prefix.length, junk.length);
        System.arraycopy(suffix, 0, body, prefix.length + junk.length, suffix.length);
        return body;
    }

    private String wrongTypes() {
        StringBuilder object = new StringBuilder("{");
        List<String> values = List.of("[]", "{}", "true", "null", "\"\"", "1.5", "-1", "[1,2]", "{\"a\":1}", "\"x\"");
        for (int i = 0; i < 5; i++) {
            object.append(quote(pick(FIELDS))).append(':').append(pick(values)).append(i < 4 ? "," : "");
        }
        return object.append('}').toString();
    }

    private String nastyNames() {
        return "{\"concept_path\":" + quote(pick(NASTY_NAMES)) + ",\"predicate\":" + quote(pick(NASTY_NAMES))
                + ",\"value\":" + quote(pick(NASTY_NAMES)) + ",\"agent_id\":" + quote(pick(NASTY_NAMES)) + "}";
    }

    private String nastyNumbers() {
        return "{\"concept_path\":\"fuzz/n\",\"predicate\":\"p\",\"value\":" + pick(NASTY_NUMBERS) + ",\"confidence\":"
                + pick(NASTY_NUMBERS) + ",\"limit\":" + pick(NASTY_NUMBERS) + ",\"weight\":" + pick(NASTY_NUMBERS) + "}";
    }

    private String truncated() {
        String whole = "{\"concept_path\":\"fuzz/t\",\"predicate\":\"p\",\"value\":{\"a\":[1,2,{\"b\":\"c\"}]},\"confidence\":0.5}";
        return whole.substring(0, random.nextInt(whole.length()));
    }

    private String urlNasty() {
        return pick(List.of("..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "a%0Ab", "%ZZ", "x".repeat(300), "%C0%AE%C0%AE",
                "..;", "a%2F**", "%F0%9F%98%80", "%ED%A0%80", "abc"));
    }

    private String randomString(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
        }
        return text.toString();
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
