package io.stemedb.api.http;

import io.stemedb.api.error.NotFoundException;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.AssertionState;
import io.stemedb.api.index.Cut;
import io.stemedb.api.write.JournalAppender;
import io.stemedb.api.write.WriteRequests;
import io.stemedb.common.validation.InvalidRequestException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/assertions/{id}}: one assertion with its current votes and retraction status. */
@RestController
public class AssertionController {

    private final AssertionIndex index;
    private final JournalAppender journal;

    public AssertionController(AssertionIndex index, JournalAppender journal) {
        this.index = index;
        this.journal = journal;
    }

    @GetMapping(path = "/v1/assertions/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    public Details assertion(@PathVariable String id) {
        String problem = WriteRequests.assertionIdProblem(id);
        if (problem != null) {
            throw InvalidRequestException.of("id", problem);
        }
        AssertionState state = index.assertion(id);
        if (state == null) {
            journal.awaitAcknowledged();
            state = index.assertion(id);
        }
        if (state == null) {
            throw new NotFoundException("id", "no assertion " + id + " on this node");
        }
        Cut now = index.currentCut();
        List<RecordView> votes = state.votesAt(now).values().stream().map(RecordView::of).toList();
        boolean retracted = state.retractedAt(now);
        return new Details(RecordView.of(state.assertion()), retracted,
                retracted ? RecordView.of(state.retractionAt(now)) : null, state.netVotesAt(now), votes);
    }

    /**
     * @param votes each agent's current vote
     */
    public record Details(@com.fasterxml.jackson.annotation.JsonUnwrapped RecordView assertion, boolean retracted,
            RecordView retraction, int netVotes, List<RecordView> votes) {}
}
