package io.stemedb.api.http;

import io.stemedb.api.security.AgentBinding;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.api.write.AssertionWriter;
import io.stemedb.api.write.WriteRequests;
import io.stemedb.api.write.Written;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.Assertion;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/assert} and {@code POST /v1/assert/batch}. Bodies are taken as raw bytes and
 * parsed by StemeDB's own strict reader (duplicate keys, exact numbers, unknown fields), not by the
 * framework's lenient binding.
 */
@RestController
public class AssertController {

    private final WriteRequests requests;
    private final AssertionWriter writer;
    private final AgentBinding agents;

    public AssertController(WriteRequests requests, AssertionWriter writer, AgentBinding agents) {
        this.requests = requests;
        this.writer = writer;
        this.agents = agents;
    }

    /** 201 when stored now, 200 with {@code duplicate: true} when the same content was already stored. */
    @PostMapping(path = "/v1/assert", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Stored> assertion(@RequestBody(required = false) byte[] body) {
        AssertionContent content = requests.assertion(body);
        Written<Assertion> written = writer.write(content.withAgentId(agents.resolve(content.agentId(), "agent_id")));
        return ResponseEntity.status(written.created() ? HttpStatus.CREATED : HttpStatus.OK).body(Stored.of(written));
    }

    /** All valid or none written (400 names {@code assertions[i].field}); one group commit for the new ones. */
    @PostMapping(path = "/v1/assert/batch", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Batch> batch(@RequestBody(required = false) byte[] body) {
        List<AssertionContent> contents = requests.batch(body);
        List<AssertionContent> bound = new java.util.ArrayList<>(contents.size());
        for (int i = 0; i < contents.size(); i++) {
            AssertionContent content = contents.get(i);
            bound.add(content.withAgentId(agents.resolve(content.agentId(), "assertions[" + i + "].agent_id")));
        }
        List<Stored> results = writer.writeAll(bound).stream().map(Stored::of).toList();
        int created = (int) results.stream().filter(result -> !result.duplicate()).count();
        return ResponseEntity.status(created > 0 ? HttpStatus.CREATED : HttpStatus.OK)
                .body(new Batch(results.size(), created, results.size() - created, results));
    }

    /** Where an assertion is in the log; {@code duplicate} when this request did not store it. */
    public record Stored(String id, long index, String timestamp, long term, boolean duplicate) {
        static Stored of(Written<Assertion> written) {
            Assertion assertion = written.record();
            return new Stored(assertion.id(), assertion.index(), HlcTimestamp.format(assertion.hlc()), assertion.term(),
                    !written.created());
        }
    }

    public record Batch(int count, int created, int duplicates, List<Stored> results) {}
}
