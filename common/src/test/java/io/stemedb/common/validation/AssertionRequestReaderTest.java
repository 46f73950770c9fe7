package io.stemedb.common.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stemedb.common.model.AssertionContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AssertionRequestReaderTest {

    private final AssertionRequestReader reader = new AssertionRequestReader(ValidationLimits.defaults());

    @Test
    void readsACompleteAssertionIntoCanonicalForm() {
        AssertionContent content = read("""
                {"concept_path": "medicine/drugs/aspirin", "predicate": "max_daily_dose_mg",
                 "value": {"mg": 4000.0, "unit": "mg"}, "agent_id": "pharma-bot", "confidence": 0.90}""");

        assertThat(content).isEqualTo(new AssertionContent("medicine/drugs/aspirin", "max_daily_dose_mg",
                "{\"mg\":4000,\"unit\":\"mg\"}", "pharma-bot", "0.9"));
    }

    @Test
    void agentAndConfidenceHaveDefaults() {
        AssertionContent content = read("{\"concept_path\": \"test/cluster\", \"predicate\": \"replicated\", \"value\": true}");

        assertThat(content.agentId()).isEqualTo("anonymous");
        assertThat(content.confidence()).isEqualTo("1");
    }

    @Test
    void confidenceBoundsAreInclusive() {
        assertThat(read(body("0")).confidence()).isEqualTo("0");
        assertThat(read(body("1.000")).confidence()).isEqualTo("1");
        assertThat(read(body("-0.0")).confidence()).isEqualTo("0");
        assertThat(read(body("1e-7")).confidence()).isEqualTo("1e-7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0000000001", "-0.001", "2", "1e1"})
    void confidenceOutsideZeroToOneIsRejected(String confidence) {
        assertRejected(() -> read(body(confidence)), "confidence", "between 0 and 1");
    }

    @Test
    void confidenceMustBeANumber() {
        assertRejected(() -> read(body("\"0.5\"")), "confidence", "must be a number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", "a/./b", "a/../b", "..", "a/b c", "a/b*", "a/%2e", "a/\u00e9", "a\\b"})
    void badConceptPathsAreRejected(String path) {
        assertRejected(() -> read("{\"concept_path\": " + quote(path) + ", \"predicate\": \"p\", \"value\": 1}"),
                "concept_path", "");
    }

    @Test
    void conceptPathLimitsAreEnforcedAtTheirBoundary() {
        String segment = "s".repeat(15);
        // 32 segments of 15 characters joined by 31 slashes: 511 bytes, the largest allowed count.
        String longest = String.join("/", java.util.Collections.nCopies(32, segment));
        assertThat(read(pathBody(longest)).conceptPath()).isEqualTo(longest);
        String manySegments = String.join("/", java.util.Collections.nCopies(33, "s"));
        assertRejected(() -> read(pathBody(manySegments)), "concept_path", "at most 32 segments");
        assertRejected(() -> read(pathBody(longest + "/x")), "concept_path", "at most 512 bytes");
        assertRejected(() -> read(pathBody("a".repeat(513))), "concept_path", "at most 512 bytes");
        assertRejected(() -> read(pathBody("a/" + "b".repeat(129))), "concept_path", "at most 128 characters");
    }

    @Test
    void valueSizeLimitIsOnTheCanonicalForm() {
        int limit = ValidationLimits.DEFAULT_MAX_VALUE_BYTES;
        String fits = "x".repeat(limit - 2);
        assertThat(read(valueBody(quote(fits))).valueJson()).hasSize(limit);
        assertRejected(() -> read(valueBody(quote(fits + "x"))), "value", "at most 65536 bytes");
        // Whitespace in the request does not count against the limit: it is not stored.
        String spaced = "[" + " ".repeat(limit) + "1]";
        assertThat(read(valueBody(spaced)).valueJson()).isEqualTo("[1]");
    }

    @Test
    void everyProblemIsReportedByItsField() {
        InvalidRequestException error = catchInvalid(() -> read(
                "{\"concept_path\": 7, \"value\": null, \"agent_id\": \"a b\", \"confidance\": 1, \"extra\": {}}"));

        assertThat(error.errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("confidance", "extra", "concept_path", "predicate", "value", "agent_id");
        assertThat(error.errors()).filteredOn(e -> e.field().equals("concept_path"))
                .singleElement().extracting(FieldError::message).asString().contains("must be a string, was number");
        assertThat(error.errors()).filteredOn(e -> e.field().equals("confidance"))
                .singleElement().extracting(FieldError::message).asString().contains("unknown field");
    }

    @Test
    void malformedBodiesAreRejectedAsAWhole() {
        for (String body : List.of("", "   ", "{", "[]", "\"text\"", "{\"a\":1} {\"b\":2}", "{\"a\":1,}", "NaN")) {
            assertRejected(() -> read(body), "$", "");
        }
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] body = "{\"concept_path\":\"a\",\"predicate\":\"p\",\"value\":\"\u0000\"}".getBytes(StandardCharsets.UTF_8);
        body[body.length - 3] = (byte) 0xC3; // a lead byte with no continuation
        assertThatThrownBy(() -> reader.read(body)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void duplicateKeysAreRejectedAtAnyDepth() {
        assertRejected(() -> read("{\"concept_path\":\"a\",\"predicate\":\"p\",\"value\":{\"k\":1,\"k\":2}}"), "$", "Duplicate");
    }

    @Test
    void loneSurrogatesAreRejectedInValuesAndKeys() {
        assertRejected(() -> read(valueBody("\"\\ud800\"")), "$", "lone UTF-16 surrogate");
        // The answer says where: the JSON pointer of the string.
        assertRejected(() -> read(valueBody("{\"a\": [\"x\", {\"b\": \"\\ud800\"}]}")), "$", "/value/a/1/b");
        // In a key Jackson already refuses it, with its own wording.
        assertRejected(() -> read(valueBody("{\"\\udc00x\": 1}")), "$", "surrogate");
        assertThat(read(valueBody("\"\\ud83d\\ude00\"")).valueJson()).isEqualTo("\"\ud83d\ude00\"");
    }

    @Test
    void nestingBeyondTheLimitIsRejected() {
        int depth = ValidationLimits.DEFAULT_MAX_JSON_DEPTH;
        String deep = "[".repeat(depth + 1) + "]".repeat(depth + 1);
        assertRejected(() -> read(valueBody(deep)), "$", "");
        String allowed = "[".repeat(depth - 2) + "]".repeat(depth - 2);
        assertThat(read(valueBody(allowed)).valueJson()).isEqualTo(allowed);
    }

    private AssertionContent read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(String confidence) {
        return "{\"concept_path\": \"a/b\", \"predicate\": \"p\", \"value\": 1, \"confidence\": " + confidence + "}";
    }

    private static String pathBody(String path) {
        return "{\"concept_path\": " + quote(path) + ", \"predicate\": \"p\", \"value\": 1}";
    }

    private static String valueBody(String valueJson) {
        return "{\"concept_path\": \"a/b\", \"predicate\": \"p\", \"value\": " + valueJson + "}";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static InvalidRequestException catchInvalid(ThrowingCallable call) {
        try {
            call.call();
        } catch (InvalidRequestException e) {
            return e;
        } catch (Throwable other) {
            throw new AssertionError("expected InvalidRequestException, got " + other, other);
        }
        throw new AssertionError("expected InvalidRequestException, got none");
    }

    private static void assertRejected(ThrowingCallable call, String field, String messagePart) {
        InvalidRequestException error = catchInvalid(call);
        assertThat(error.errors())
                .as("errors for %s", field)
                .anySatisfy(e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.message()).contains(messagePart);
                });
    }
}
