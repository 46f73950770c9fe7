package io.stemedb.api.admin;

import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Which records an export holds, from the body of {@code POST /v1/admin/export-assertions}:
 * <pre>
 * {"since": "2026-11-26T10:00:00Z"}   records stamped at or after this instant (also: milliseconds since 1970)
 * {"since_index": 120}               records at or after this log index
 * </pre>
 * Neither (or an empty body): everything.
 *
 * @param sinceHlc   lowest packed timestamp included
 * @param sinceIndex lowest log index included
 */
public record ExportFilter(long sinceHlc, long sinceIndex) {

    static final String SINCE = "since";
    static final String SINCE_INDEX = "since_index";

    public boolean includes(LogRecord record) {
        return record.hlc() >= sinceHlc && record.index() >= sinceIndex;
    }

    public static ExportFilter read(byte[] body, ValidationLimits limits) {
        if (body == null || body.length == 0) {
            return new ExportFilter(0, 0);
        }
        JsonNode request = new JsonRequestReader(limits).readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(SINCE, SINCE_INDEX), errors);
        long sinceHlc = 0;
        JsonNode since = request.get(SINCE);
        if (since != null && !since.isNull()) {
            if (since.isString()) {
                try {
                    sinceHlc = HlcTimestamp.parse(since.stringValue());
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError(SINCE, "must be an RFC 3339 instant or milliseconds since 1970"));
                }
            } else {
                Long millis = JsonFields.wholeNumber(request, SINCE, 0, HlcTimestamp.physicalMillis(Long.MAX_VALUE), errors);
                sinceHlc = millis == null ? 0 : HlcTimestamp.pack(millis, 0);
            }
        }
        Long sinceIndex = JsonFields.wholeNumber(request, SINCE_INDEX, 0, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new ExportFilter(sinceHlc, sinceIndex == null ? 0 : sinceIndex);
    }
}
