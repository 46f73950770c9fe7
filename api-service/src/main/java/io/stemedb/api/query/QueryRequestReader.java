package io.stemedb.api.query;

import io.stemedb.common.validation.QuotedInput;
import io.stemedb.api.query.lens.Lens;
import io.stemedb.common.clock.HlcTimestamp;
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
 * {"concept_path":    "medicine/drugs/aspirin",   required; "…/**" for the concept and all below it
 *  "predicate":       "max_daily_dose_mg",        optional
 *  "lens":            "recency",                  optional: recency (default), consensus, confidence, history
 *  "as_of_index":     120,                        optional, at most one of the three as_of fields
 *  "as_of_epoch":     3,
 *  "as_of_timestamp": "2026-11-26T10:00:00Z",
 *  "limit":           100,                        optional, 1..max-query-results; default 1000
 *  "cursor":          "…"}                        optional: next_cursor of the previous page
 * </pre>
 */
public final class QueryRequestReader {

    static final String CONCEPT_PATH = "concept_path";
    static final String PREDICATE = "predicate";
    static final String LENS = "lens";
    static final String LIMIT = "limit";
    static final String CURSOR = "cursor";
    static final String SUBTREE_SUFFIX = "/**";
    static final int DEFAULT_LIMIT = 1000;
    static final String MIN_INDEX = "min_index";
    static final String CONSISTENCY = "consistency";
    private static final Set<String> KNOWN_FIELDS = Set.of(CONCEPT_PATH, PREDICATE, LENS, LIMIT, CURSOR,
            AsOf.Kind.INDEX.field(), AsOf.Kind.EPOCH.field(), AsOf.Kind.TIMESTAMP.field(), MIN_INDEX, CONSISTENCY);

    private final ValidationLimits limits;
    private final JsonRequestReader json;
    private final int maxLimit;

    public QueryRequestReader(ValidationLimits limits, int maxLimit) {
        this.limits = limits;
        this.json = new JsonRequestReader(limits);
        this.maxLimit = maxLimit;
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
        AsOf asOf = asOf(request, errors);
        Long limit = JsonFields.wholeNumber(request, LIMIT, 1, maxLimit, errors);
        QueryCursor cursor = cursor(JsonFields.string(request, CURSOR, false, errors), errors);
        Long minIndex = JsonFields.wholeNumber(request, MIN_INDEX, 0, Long.MAX_VALUE, errors);
        String consistency = JsonFields.string(request, CONSISTENCY, false, errors);
        if (consistency != null && !consistency.equals("eventual") && !consistency.equals("strong")) {
            errors.add(new FieldError(CONSISTENCY, "must be \"eventual\" (this node's index, the default) or \"strong\""
                    + " (confirmed by the primary), was " + io.stemedb.common.validation.QuotedInput.of(consistency)));
        }
        if (cursor != null && asOf != null) {
            errors.add(new FieldError(asOf.kind().field(), "must not be given with a cursor (the cursor already"
                    + " pins the point of the log its first page answered for)"));
        }

        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new QueryRequest(path, subtree, predicate, lens, asOf,
                limit == null ? Math.min(DEFAULT_LIMIT, maxLimit) : limit.intValue(), cursor,
                minIndex == null ? 0 : minIndex, "strong".equals(consistency));
    }

    private static AsOf asOf(JsonNode request, List<FieldError> errors) {
        List<AsOf> given = new ArrayList<>();
        Long index = JsonFields.wholeNumber(request, AsOf.Kind.INDEX.field(), 0, Long.MAX_VALUE, errors);
        if (index != null) {
            given.add(new AsOf(AsOf.Kind.INDEX, index));
        }
        Long epoch = JsonFields.wholeNumber(request, AsOf.Kind.EPOCH.field(), 1, Long.MAX_VALUE, errors);
        if (epoch != null) {
            given.add(new AsOf(AsOf.Kind.EPOCH, epoch));
        }
        String timestamp = JsonFields.string(request, AsOf.Kind.TIMESTAMP.field(), false, errors);
        if (timestamp != null) {
            try {
                given.add(new AsOf(AsOf.Kind.TIMESTAMP, HlcTimestamp.parse(timestamp)));
            } catch (RuntimeException e) {
                errors.add(new FieldError(AsOf.Kind.TIMESTAMP.field(),
                        "must be an RFC 3339 instant such as 2026-11-26T10:00:00Z, was " + QuotedInput.of(timestamp)));
            }
        }
        if (given.size() > 1) {
            errors.add(new FieldError("as_of", "give at most one of as_of_index, as_of_epoch and as_of_timestamp"));
            return null;
        }
        return given.isEmpty() ? null : given.get(0);
    }

    private static QueryCursor cursor(String text, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        try {
            return QueryCursor.decode(text);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(CURSOR, "is not a cursor this API issued; pass next_cursor from the previous page"));
            return null;
        }
    }

    private static Lens lens(String name, List<FieldError> errors) {
        if (name == null) {
            return Lens.RECENCY;
        }
        Optional<Lens> lens = Lens.fromWireName(name);
        if (lens.isPresent()) {
            return lens.get();
        }
        errors.add(new FieldError(LENS, "unknown lens " + QuotedInput.of(name) + "; use one of " + Lens.wireNames()));
        return null;
    }
}
