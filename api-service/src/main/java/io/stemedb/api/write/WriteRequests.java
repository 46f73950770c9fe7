package io.stemedb.api.write;

import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.validation.AssertionRequestReader;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.NameSyntax;
import io.stemedb.common.validation.ValidationLimits;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates the bodies of the write endpoints other than a single assertion (which
 * {@link AssertionRequestReader} reads). Every reader names every bad field in one 400.
 */
public final class WriteRequests {

    static final String ASSERTIONS = "assertions";
    static final String ASSERTION_ID = "assertion_id";
    static final String AGENT_ID = "agent_id";
    static final String REASON = "reason";
    static final String WEIGHT = "weight";
    static final String LABEL = "label";
    /** Longest retraction reason or epoch label, in characters. */
    public static final int MAX_TEXT_CHARACTERS = 1024;

    private final ValidationLimits limits;
    private final JsonRequestReader json;
    private final AssertionRequestReader assertions;
    private final int maxBatchAssertions;

    public WriteRequests(ValidationLimits limits, AssertionRequestReader assertions, int maxBatchAssertions) {
        this.limits = limits;
        this.json = new JsonRequestReader(limits);
        this.assertions = assertions;
        this.maxBatchAssertions = maxBatchAssertions;
    }

    public AssertionContent assertion(byte[] body) {
        return assertions.read(body);
    }

    /** {@code {"assertions": [ {assertion}, ... ]}}: all valid, or a 400 naming {@code assertions[i].field}. */
    public List<AssertionContent> batch(byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(ASSERTIONS), errors);
        JsonNode items = request.get(ASSERTIONS);
        if (items == null || !items.isArray()) {
            errors.add(new FieldError(ASSERTIONS, items == null ? "is required" : "must be an array of assertions"));
            throw new InvalidRequestException(errors);
        }
        if (items.isEmpty() || items.size() > maxBatchAssertions) {
            errors.add(new FieldError(ASSERTIONS, "must hold 1 to " + maxBatchAssertions + " assertions, held " + items.size()));
            throw new InvalidRequestException(errors);
        }
        List<AssertionContent> contents = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String prefix = ASSERTIONS + "[" + i + "]";
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                errors.add(new FieldError(prefix, "must be an object, was " + JsonFields.typeName(item)));
                continue;
            }
            try {
                contents.add(assertions.read(item));
            } catch (InvalidRequestException e) {
                e.errors().forEach(error -> errors.add(new FieldError(prefix + "." + error.field(), error.message())));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return contents;
    }

    /** {@code {"assertion_id", "agent_id"?, "reason"?}}. */
    public RetractionRequest retraction(byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(ASSERTION_ID, AGENT_ID, REASON), errors);
        String assertionId = assertionId(request, errors);
        String agentId = agentId(request, errors);
        String reason = text(request, REASON, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new RetractionRequest(assertionId, agentId, reason == null ? "" : reason);
    }

    /** {@code {"assertion_id", "agent_id"?, "weight": 1 | -1}}. */
    public VoteRequest vote(byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(ASSERTION_ID, AGENT_ID, WEIGHT), errors);
        String assertionId = assertionId(request, errors);
        String agentId = agentId(request, errors);
        Long weight = JsonFields.wholeNumber(request, WEIGHT, -1, 1, errors);
        if (!request.hasNonNull(WEIGHT)) {
            // Absent and null alike: a vote without a weight says nothing.
            errors.add(new FieldError(WEIGHT, "is required: 1 (agree) or -1 (disagree)"));
        } else if (weight != null && weight == 0) {
            errors.add(new FieldError(WEIGHT, "must be 1 (agree) or -1 (disagree), was 0"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new VoteRequest(assertionId, agentId, weight.intValue());
    }

    /** {@code {"label"?}}; an empty body means no label. */
    public String epochLabel(byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(LABEL), errors);
        String label = text(request, LABEL, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return label == null ? "" : label;
    }

    /** A lowercase hex SHA-256, as the API hands out; the problem with it, or null. */
    public static String assertionIdProblem(String id) {
        if (id.length() != 64) {
            return "must be an assertion id: 64 lowercase hex characters";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return "must be an assertion id: 64 lowercase hex characters";
            }
        }
        return null;
    }

    private static String assertionId(JsonNode request, List<FieldError> errors) {
        String id = JsonFields.string(request, ASSERTION_ID, true, errors);
        if (id != null) {
            String problem = assertionIdProblem(id);
            if (problem != null) {
                errors.add(new FieldError(ASSERTION_ID, problem));
                return null;
            }
            HexFormat.of().parseHex(id);
        }
        return id;
    }

    private String agentId(JsonNode request, List<FieldError> errors) {
        if (!request.hasNonNull(AGENT_ID)) {
            return AssertionRequestReader.DEFAULT_AGENT_ID;
        }
        String agentId = JsonFields.string(request, AGENT_ID, false, errors);
        if (agentId != null) {
            NameSyntax.nameProblem(agentId, limits).ifPresent(problem -> errors.add(new FieldError(AGENT_ID, problem)));
        }
        return agentId;
    }

    private static String text(JsonNode request, String field, List<FieldError> errors) {
        String text = JsonFields.string(request, field, false, errors);
        if (text != null && text.length() > MAX_TEXT_CHARACTERS) {
            errors.add(new FieldError(field, "must be at most " + MAX_TEXT_CHARACTERS + " characters, was " + text.length()));
            return null;
        }
        return text;
    }

    public record RetractionRequest(String assertionId, String agentId, String reason) {
        public RetractionRequest withAgentId(String agent) {
            return new RetractionRequest(assertionId, agent, reason);
        }
    }

    public record VoteRequest(String assertionId, String agentId, int weight) {
        public VoteRequest withAgentId(String agent) {
            return new VoteRequest(assertionId, agent, weight);
        }
    }
}
