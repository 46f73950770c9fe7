package io.stemedb.common.validation;

import io.stemedb.common.canonical.CanonicalDecimal;
import io.stemedb.common.canonical.CanonicalJson;
import io.stemedb.common.model.AssertionContent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Turns the body of {@code POST /v1/assert} into validated, canonical {@link AssertionContent}, or
 * an {@link InvalidRequestException} that names every offending field.
 *
 * <pre>
 * {"concept_path": "medicine/drugs/aspirin",   required, see NameSyntax
 *  "predicate":    "max_daily_dose_mg",        required, a name
 *  "value":        4000,                       required, any JSON but null, canonical size limited
 *  "agent_id":     "pharma-bot",               optional, a name; default "anonymous"
 *  "confidence":   0.9}                        optional, a number in [0, 1]; default 1
 * </pre>
 * Any other field is an error: a misspelt {@code confidance} must not silently become the default.
 */
public final class AssertionRequestReader {

    public static final String CONCEPT_PATH = "concept_path";
    public static final String PREDICATE = "predicate";
    public static final String VALUE = "value";
    public static final String AGENT_ID = "agent_id";
    public static final String CONFIDENCE = "confidence";

    public static final String DEFAULT_AGENT_ID = "anonymous";
    public static final String DEFAULT_CONFIDENCE = "1";

    private static final Set<String> KNOWN_FIELDS = Set.of(CONCEPT_PATH, PREDICATE, VALUE, AGENT_ID, CONFIDENCE);
    // A confidence is a probability; more digits than this are noise, and bounding them bounds
    // what a client can make us store.
    private static final int MAX_CONFIDENCE_CHARACTERS = 24;

    private final ValidationLimits limits;
    private final JsonRequestReader json;

    public AssertionRequestReader(ValidationLimits limits) {
        this.limits = limits;
        this.json = new JsonRequestReader(limits);
    }

    public AssertionContent read(byte[] body) {
        return read(json.readObject(body));
    }

    public AssertionContent read(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(body, KNOWN_FIELDS, errors);

        String conceptPath = JsonFields.string(body, CONCEPT_PATH, true, errors);
        if (conceptPath != null) {
            NameSyntax.conceptPathProblem(conceptPath, limits)
                    .ifPresent(problem -> errors.add(new FieldError(CONCEPT_PATH, problem)));
        }
        String predicate = JsonFields.string(body, PREDICATE, true, errors);
        if (predicate != null) {
            NameSyntax.nameProblem(predicate, limits).ifPresent(problem -> errors.add(new FieldError(PREDICATE, problem)));
        }
        String valueJson = canonicalValue(body.get(VALUE), errors);
        String agentId = body.hasNonNull(AGENT_ID) ? JsonFields.string(body, AGENT_ID, false, errors) : DEFAULT_AGENT_ID;
        if (agentId != null) {
            NameSyntax.nameProblem(agentId, limits).ifPresent(problem -> errors.add(new FieldError(AGENT_ID, problem)));
        }
        String confidence = canonicalConfidence(body.get(CONFIDENCE), errors);

        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new AssertionContent(conceptPath, predicate, valueJson, agentId, confidence);
    }

    private String canonicalValue(JsonNode node, List<FieldError> errors) {
        if (node == null) {
            errors.add(new FieldError(VALUE, "is required"));
            return null;
        }
        if (node.isNull()) {
            errors.add(new FieldError(VALUE, "must not be null; to withdraw a claim, retract it"));
            return null;
        }
        String canonical = CanonicalJson.write(node);
        int bytes = canonical.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxValueBytes()) {
            errors.add(new FieldError(VALUE, "must be at most " + limits.maxValueBytes()
                    + " bytes as canonical JSON, was " + bytes));
            return null;
        }
        return canonical;
    }

    private static String canonicalConfidence(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return DEFAULT_CONFIDENCE;
        }
        if (!node.isNumber()) {
            errors.add(new FieldError(CONFIDENCE, "must be a number between 0 and 1, was " + JsonFields.typeName(node)));
            return null;
        }
        BigDecimal value = node.decimalValue();
        String canonical = CanonicalDecimal.format(value);
        if (value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
            errors.add(new FieldError(CONFIDENCE, "must be between 0 and 1 inclusive, was " + canonical));
            return null;
        }
        if (canonical.length() > MAX_CONFIDENCE_CHARACTERS) {
            errors.add(new FieldError(CONFIDENCE,
                    "must have at most " + MAX_CONFIDENCE_CHARACTERS + " characters in canonical form"));
            return null;
        }
        return canonical;
    }
}
