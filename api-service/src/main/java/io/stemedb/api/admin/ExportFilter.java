package io.stemedb.api.admin;

import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Which records an export holds, from the body of {@code POST /v1/admin/export-assertions}:
 * <pre>
 * {"since": "2026-11-26T10:00:00Z"}   records stamped at or after this instant
 * {"since": 1764151200}             the same instant as Unix seconds, as {@code date +%s} prints it
 *                                    (a fraction is allowed, to the millisecond)
 * {"since_index": 120}               records at or after this log index
 * </pre>
 * Neither (or an empty body): everything. A number too large to be seconds before the year 10000 is
 * refused rather than guessed at: it is most likely milliseconds, and reading it either way could
 * silently export the wrong records.
 *
 * @param sinceHlc   lowest packed timestamp included
 * @param sinceIndex lowest log index included
 */
public record ExportFilter(long sinceHlc, long sinceIndex) {

    static final String SINCE = "since";
    static final String SINCE_INDEX = "since_index";
    /** 9999-12-31T23:59:59Z: the last second RFC 3339 can write. */
    static final long MAX_SECONDS = 253_402_300_799L;
    private static final String UNITS = "must be an RFC 3339 instant (\"2026-11-26T10:00:00Z\") or Unix seconds"
            + " (a number, as date +%s prints it)";

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
                    errors.add(new FieldError(SINCE, UNITS));
                }
            } else {
                sinceHlc = sinceSeconds(since, errors);
            }
        }
        Long sinceIndex = JsonFields.wholeNumber(request, SINCE_INDEX, 0, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        return new ExportFilter(sinceHlc, sinceIndex == null ? 0 : sinceIndex);
    }

    private static long sinceSeconds(JsonNode since, List<FieldError> errors) {
        if (!since.isNumber()) {
            errors.add(new FieldError(SINCE, UNITS + ", was " + JsonFields.typeName(since)));
            return 0;
        }
        BigDecimal seconds = since.decimalValue();
        if (seconds.signum() < 0) {
            errors.add(new FieldError(SINCE, UNITS + "; a time before 1970 is not one"));
            return 0;
        }
        if (seconds.compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            errors.add(new FieldError(SINCE, "is read as Unix seconds, and " + seconds.toPlainString() + " seconds is after"
                    + " the year 9999: if it is milliseconds, divide it by 1000; or send an RFC 3339 instant"));
            return 0;
        }
        long millis = seconds.movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
        return HlcTimestamp.pack(millis, 0);
    }
}
