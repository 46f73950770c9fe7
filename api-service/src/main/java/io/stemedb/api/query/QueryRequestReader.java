package io.stemedb.api.query;

import io.stemedb.api.query.lens.Lens;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.NameSyntax;
import io.stemedb.common.validation.ValidationLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads the body of {@code POST /v1/query}:
 * <pre>
 * {"concept_path": "medicine/drugs/aspirin",   required; "…/**" for the concept and all below it
 *  "predicate":    "max_daily_dose_mg",        optional
 *  "lens":         "recency"}                  optional: recency (default), confidence, history
 * </pre>
 */
public final class QueryRequestReader {

    static final String CONCEPT_PATH = "concept_path";
    static final String PREDICATE = "predicate";
    static final String LENS = "lens";
    static final String SUBTREE_SUFFIX = "/**";
    private static final Set<String> KNOWN_FIELDS = Set.of(CONCEPT_PATH, PREDICATE, LENS);

    private final ValidationLimits limits;
    private final JsonRequestReader json;

    public QueryRequestReader(ValidationLimits limits) {
        this.limits = limits;
        this.json = new JsonRequestReader(limits);
    }

    public QueryRequest read(byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, KNOWN_FIELDS, errors);

        String path = JsonFields.string(request, CONCEPT_PATH, true, errors);
        boolean subtree = false;
        if (path != null) {
            if (path.endsWith(SUBTREE_SUFFIX)) {
                subtree = true;
                path = path.substring(0, path.length() - SUBTREE_SUFFIX.length());
            }
            NameSyntax.conceptPathProblem(path, limits).ifPresent(problem -> errors.add(new FieldError(CONCEPT_PATH,
                    problem + " (a query path is a concept path, optionally followed by /**)")));
        }
        String predicate = JsonFields.string(request, PREDICATE, false, errors);
        if (predicate != null) {
            NameSyntax.nameProblem(predicate, limits).ifPresent(problem -> errors.add(new FieldError(PREDICATE, problem)));
        }
        Lens lens = lens(JsonFields.string(request, LENS, false, errors), errors);

        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new QueryRequest(path, subtree, predicate, lens);
    }

    private static Lens lens(String name, List<FieldError> errors) {
        if (name == null) {
            return Lens.RECENCY;
        }
        Optional<Lens> lens = Lens.fromWireName(name);
        if (lens.isPresent()) {
            return lens.get();
        }
        if (name.equals("consensus")) {
            errors.add(new FieldError(LENS, "the consensus lens needs votes, which this version does not store yet;"
                    + " use one of " + Lens.wireNames()));
        } else {
            errors.add(new FieldError(LENS, "unknown lens '" + name + "'; use one of " + Lens.wireNames()));
        }
        return null;
    }
}
