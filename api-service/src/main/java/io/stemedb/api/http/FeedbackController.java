package io.stemedb.api.http;

import io.stemedb.api.security.AgentBinding;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.write.FeedbackWriter;
import io.stemedb.api.write.WriteRequests;
import io.stemedb.api.write.Written;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Retractions ({@code POST /v1/retract}), votes ({@code POST /v1/vote}) and epochs ({@code /v1/epochs}). */
@RestController
public class FeedbackController {

    private final WriteRequests requests;
    private final FeedbackWriter writer;
    private final AssertionIndex index;
    private final AgentBinding agents;

    public FeedbackController(WriteRequests requests, FeedbackWriter writer, AssertionIndex index, AgentBinding agents) {
        this.requests = requests;
        this.writer = writer;
        this.index = index;
        this.agents = agents;
    }

    /** 201 when retracted now; 200 with {@code duplicate: true} (and the first retraction) when it already was. */
    @PostMapping(path = "/v1/retract", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Answer> retract(@RequestBody(required = false) byte[] body) {
        WriteRequests.RetractionRequest request = requests.retraction(body);
        Written<Retraction> written = writer.retract(request.withAgentId(agents.resolve(request.agentId(), "agent_id")));
        return answer(written.created(), RecordView.of(written.record()), null);
    }

    /** 201 when the vote changed the agent's vote; 200 with {@code duplicate: true} when it was already so. */
    @PostMapping(path = "/v1/vote", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Answer> vote(@RequestBody(required = false) byte[] body) {
        WriteRequests.VoteRequest request = requests.vote(body);
        Written<Vote> written = writer.vote(request.withAgentId(agents.resolve(request.agentId(), "agent_id")));
        int net = index.assertion(written.record().assertionId()).netVotesAt(index.currentCut());
        return answer(written.created(), RecordView.of(written.record()), net);
    }

    @PostMapping(path = "/v1/epochs", produces = MediaType.APPLICATION_JSON_VALUE)
    @org.springframework.web.bind.annotation.ResponseStatus(HttpStatus.CREATED)
    public RecordView createEpoch(@RequestBody(required = false) byte[] body) {
        return RecordView.of(writer.createEpoch(requests.epochLabel(body)));
    }

    @GetMapping(path = "/v1/epochs", produces = MediaType.APPLICATION_JSON_VALUE)
    public Epochs epochs() {
        return new Epochs(index.epochs().stream().map(RecordView::of).toList());
    }

    private static ResponseEntity<Answer> answer(boolean created, RecordView record, Integer netVotes) {
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(new Answer(record, !created, netVotes));
    }

    /**
     * @param record     the retraction or vote as stored (the earlier one when nothing was written)
     * @param duplicate  true when this request wrote nothing
     * @param netVotes   for a vote: the assertion's net votes now
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Answer(@com.fasterxml.jackson.annotation.JsonUnwrapped RecordView record, boolean duplicate,
            Integer netVotes) {}

    public record Epochs(List<RecordView> epochs) {}
}
