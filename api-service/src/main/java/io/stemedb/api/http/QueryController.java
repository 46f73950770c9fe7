package io.stemedb.api.http;

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

    public QueryController(QueryRequestReader requests, QueryService queries) {
        this.requests = requests;
        this.queries = queries;
    }

    @PostMapping(path = "/v1/query", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public Answer query(@RequestBody(required = false) byte[] body) {
        QueryResult result = queries.query(requests.read(body));
        String path = result.request().conceptPath() + (result.request().subtree() ? "/**" : "");
        return new Answer(path, result.request().predicate(), result.request().lens().wireName(),
                result.assertions().size(), result.truncated(), result.asOfIndex(),
                result.assertions().stream().map(AssertionView::of).toList());
    }

    /**
     * @param asOfIndex the log index the answer reflects
     */
    public record Answer(String conceptPath, String predicate, String lens, int count, boolean truncated,
            long asOfIndex, List<AssertionView> results) {}
}
