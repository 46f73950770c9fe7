package io.stemedb.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.query.QueryRequestReader;
import io.stemedb.api.query.QueryResult;
import io.stemedb.api.query.QueryService;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/query}. */
@RestController
public class QueryController {

    private final QueryRequestReader requests;
    private final QueryService queries;
    private final AssertionIndex index;

    public QueryController(QueryRequestReader requests, QueryService queries, AssertionIndex index) {
        this.requests = requests;
        this.queries = queries;
        this.index = index;
    }

    @PostMapping(path = "/v1/query", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public Answer query(@RequestBody(required = false) byte[] body) {
        QueryResult result = queries.query(requests.read(body));
        String path = result.request().conceptPath() + (result.request().subtree() ? "/**" : "");
        return new Answer(path, result.request().predicate(), result.request().lens().wireName(), result.hits().size(),
                result.nextCursor() != null, result.cut().maxIndex(), result.nextCursor(),
                result.hits().stream().map(hit -> RecordView.of(hit, index)).toList());
    }

    /**
     * @param truncated   true when more results follow (fetch them with {@code next_cursor})
     * @param asOfIndex   the log index the answer reflects
     * @param nextCursor  pass as {@code cursor} for the next page; absent on the last page
     */
    public record Answer(String conceptPath, String predicate, String lens, int count, boolean truncated,
            long asOfIndex, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor, List<RecordView> results) {}
}
