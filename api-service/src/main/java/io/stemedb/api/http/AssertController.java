package io.stemedb.api.http;

import io.stemedb.api.write.AssertionWriter;
import io.stemedb.api.write.WrittenAssertion;
import io.stemedb.common.clock.HlcTimestamp;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/assert}. The body is taken as raw bytes and parsed by StemeDB's own strict reader
 * (duplicate keys, exact numbers, unknown fields), not by the framework's lenient binding.
 */
@RestController
public class AssertController {

    private final AssertionWriter writer;

    public AssertController(AssertionWriter writer) {
        this.writer = writer;
    }

    @PostMapping(path = "/v1/assert", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public Written assertion(@RequestBody(required = false) byte[] body) {
        WrittenAssertion written = writer.write(body);
        return new Written(written.id(), written.index(), HlcTimestamp.format(written.hlc()), written.term());
    }

    /** The answer to a durable write. */
    public record Written(String id, long index, String timestamp, long term) {}
}
