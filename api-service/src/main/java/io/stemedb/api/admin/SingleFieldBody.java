package io.stemedb.api.admin;

import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * The body of an admin request that names one thing (a member's id, an address): a JSON object
 * with that one string field and no other. Refusals are 400s naming the field.
 */
final class SingleFieldBody {

    private SingleFieldBody() {}

    /**
     * @param rule  what a valid value is, as the error says it ("must be …")
     * @param valid whether a non-blank string is valid
     */
    static String read(JsonRequestReader json, byte[] body, String field, String rule, Predicate<String> valid) {
        if (body == null || body.length == 0) {
            throw new InvalidRequestException(List.of(new FieldError(field, "is required")));
        }
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(field), errors);
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            errors.add(new FieldError(field, "is required"));
        } else if (!value.isString() || value.stringValue().isBlank() || !valid.test(value.stringValue())) {
            errors.add(new FieldError(field, rule));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return value.stringValue();
    }
}
