package io.stemedb.api.ratelimit;

import io.stemedb.common.validation.FieldError;
import io.stemedb.common.validation.InvalidRequestException;
import io.stemedb.common.validation.JsonFields;
import io.stemedb.common.validation.JsonRequestReader;
import io.stemedb.common.validation.ValidationLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/admin/rate-limit} shows the write limits; {@code POST /v1/admin/rate-limit
 * {"max_assertions_per_sec": N, "max_assertions_per_sec_per_agent": M}} changes them (either
 * field; 0 = unlimited). Admin only. Works the same on :18180 and through the gateway on :18181,
 * on the same limits.
 */
@RestController
public class RateLimitController {

    static final String PER_NODE = "max_assertions_per_sec";
    static final String PER_AGENT = "max_assertions_per_sec_per_agent";
    private static final long MAX = 1_000_000_000L;

    private final WriteRateLimits limits;
    private final JsonRequestReader json;

    public RateLimitController(WriteRateLimits limits, ValidationLimits validation) {
        this.limits = limits;
        this.json = new JsonRequestReader(validation);
    }

    @GetMapping(path = "/v1/admin/rate-limit", produces = MediaType.APPLICATION_JSON_VALUE)
    public Limits current() {
        return new Limits(limits.maxPerSecond(), limits.maxPerSecondPerAgent());
    }

    @PostMapping(path = "/v1/admin/rate-limit", produces = MediaType.APPLICATION_JSON_VALUE)
    public Limits change(@RequestBody(required = false) byte[] body) {
        JsonNode request = json.readObject(body);
        List<FieldError> errors = new ArrayList<>();
        JsonFields.rejectUnknown(request, Set.of(PER_NODE, PER_AGENT), errors);
        Long perNode = JsonFields.wholeNumber(request, PER_NODE, 0, MAX, errors);
        Long perAgent = JsonFields.wholeNumber(request, PER_AGENT, 0, MAX, errors);
        if (errors.isEmpty() && perNode == null && perAgent == null) {
            errors.add(new FieldError(PER_NODE, "give " + PER_NODE + " and/or " + PER_AGENT + " (0 = unlimited)"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        limits.configure(perNode != null ? perNode : limits.maxPerSecond(),
                perAgent != null ? perAgent : limits.maxPerSecondPerAgent());
        return current();
    }

    /**
     * @param maxAssertionsPerSec          node-wide write limit, records per second (0: none)
     * @param maxAssertionsPerSecPerAgent  per agent_id (0: none)
     */
    public record Limits(long maxAssertionsPerSec, long maxAssertionsPerSecPerAgent) {}
}
