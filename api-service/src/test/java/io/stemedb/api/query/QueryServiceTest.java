package io.stemedb.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.query.lens.Lens;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QueryServiceTest {

    private static final long T0 = 1_790_000_000_000L;

    private final AssertionIndex index = new AssertionIndex(new SimpleMeterRegistry());
    private final AtomicLong acknowledged = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QueryService queries = new QueryService(index, acknowledged::get, Duration.ofMillis(200), registry);
    private long nextIndex = 1;

    @Test
    void recencyPicksTheNewestTimestampEvenWhenTheLogOrderDiffers() {
        // Two writers stamped 10 and 20 can reach the log in the other order.
        Assertion later = add("drug/aspirin", "dose", "300", "1", 20);
        add("drug/aspirin", "dose", "100", "1", 10);

        assertThat(ids(query("drug/aspirin", null, Lens.RECENCY))).containsExactly(later.id());
    }

    @Test
    void recencyAnswersOnePerPredicateInNameOrder() {
        Assertion dose = add("drug/aspirin", "dose", "300", "1", 10);
        Assertion color = add("drug/aspirin", "color", "\"white\"", "1", 11);
        add("drug/aspirin", "dose", "200", "1", 5);

        assertThat(ids(query("drug/aspirin", null, Lens.RECENCY))).containsExactly(color.id(), dose.id());
        assertThat(ids(query("drug/aspirin", "dose", Lens.RECENCY))).containsExactly(dose.id());
        assertThat(query("drug/aspirin", "weight", Lens.RECENCY).hits()).isEmpty();
        assertThat(query("drug/ibuprofen", null, Lens.RECENCY).hits()).isEmpty();
    }

    @Test
    void confidencePicksTheHighestAndBreaksTiesByRecency() {
        add("drug/aspirin", "dose", "100", "0.5", 10);
        Assertion confidentOld = add("drug/aspirin", "dose", "200", "0.9", 11);
        add("drug/aspirin", "dose", "300", "0.8", 30);
        assertThat(ids(query("drug/aspirin", "dose", Lens.CONFIDENCE))).containsExactly(confidentOld.id());

        Assertion confidentNew = add("drug/aspirin", "dose", "400", "0.90", 40);
        assertThat(ids(query("drug/aspirin", "dose", Lens.CONFIDENCE))).containsExactly(confidentNew.id());

        // A tie with an older timestamp does not win, whatever its log position.
        add("drug/aspirin", "dose", "500", "0.9", 35);
        assertThat(ids(query("drug/aspirin", "dose", Lens.CONFIDENCE))).containsExactly(confidentNew.id());
    }

    @Test
    void confidenceComparesNumbersNotText() {
        Assertion high = add("x", "p", "1", "0.9", 1);
        add("x", "p", "2", "0.10", 2);
        add("x", "p", "3", "1e-7", 3);
        assertThat(ids(query("x", "p", Lens.CONFIDENCE))).containsExactly(high.id());
    }

    @Test
    void historyIsLogOrder() {
        Assertion first = add("drug/aspirin", "dose", "1", "1", 30);
        Assertion second = add("drug/aspirin", "color", "2", "1", 10);
        Assertion third = add("drug/aspirin", "dose", "3", "1", 20);

        assertThat(ids(query("drug/aspirin", null, Lens.HISTORY))).containsExactly(first.id(), second.id(), third.id());
        assertThat(ids(query("drug/aspirin", "dose", Lens.HISTORY))).containsExactly(first.id(), third.id());
    }

    @Test
    void subtreeHoldsTheRootAndItsDescendantsButNotSiblingsThatSortInBetween() {
        Assertion root = add("a/b", "p", "1", "1", 1);
        Assertion child = add("a/b/c", "p", "2", "1", 2);
        Assertion grandchild = add("a/b/c/d", "p", "3", "1", 3);
        add("a/b-x", "p", "4", "1", 4);
        add("a/b.y", "p", "5", "1", 5);
        add("a/bc", "p", "6", "1", 6);
        add("a", "p", "7", "1", 7);

        QueryResult result = queries.query(new QueryRequest("a/b", true, null, Lens.HISTORY, null, 100, null));

        assertThat(ids(result)).containsExactly(root.id(), child.id(), grandchild.id());
    }

    @Test
    void pagesFollowEachOtherAndStayOnTheFirstPagesCut() {
        for (int i = 0; i < 5; i++) {
            add("x/a", "p", Integer.toString(i), "1", i + 1);
            add("x/b", "p" + i, Integer.toString(i), "1", i + 1);
        }
        QueryRequest all = new QueryRequest("x", true, null, Lens.HISTORY, null, 1000, null);
        List<String> everything = ids(queries.query(all));
        assertThat(everything).hasSize(10);

        List<String> paged = new java.util.ArrayList<>();
        QueryResult page = queries.query(new QueryRequest("x", true, null, Lens.HISTORY, null, 3, null));
        paged.addAll(ids(page));
        while (page.nextCursor() != null) {
            // Writes between pages do not show up in later pages of the same query.
            add("x/a", "p", "late-" + nextIndex, "1", 100);
            page = queries.query(new QueryRequest("x", true, null, Lens.HISTORY, null, 3, QueryCursor.decode(page.nextCursor())));
            paged.addAll(ids(page));
        }
        assertThat(paged).isEqualTo(everything);
        assertThat(queries.query(all).hits()).hasSizeGreaterThan(10);
    }

    @Test
    void aCursorOnlyServesTheQueryItCameFrom() {
        add("x", "p", "1", "1", 1);
        add("x", "q", "2", "1", 2);
        QueryResult first = queries.query(new QueryRequest("x", false, null, Lens.HISTORY, null, 1, null));
        QueryCursor cursor = QueryCursor.decode(first.nextCursor());
        assertThatThrownBy(() -> queries.query(new QueryRequest("x", false, null, Lens.RECENCY, null, 1, cursor)))
                .isInstanceOf(io.stemedb.common.validation.InvalidRequestException.class)
                .hasMessageContaining("different query");
    }

    @Test
    void aQueryWaitsForAcknowledgedWritesAndGivesUpWith503() throws Exception {
        add("x", "p", "1", "1", 1);
        acknowledged.set(2);
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            add("x", "p", "2", "1", 2);
        });
        late.start();
        assertThat(query("x", "p", Lens.HISTORY).hits()).hasSize(2);
        late.join(5_000);

        acknowledged.set(99);
        assertThatThrownBy(() -> query("x", "p", Lens.HISTORY))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("needs index 99");
        assertThat(registry.get("stemedb.api.reads.refused").tag("reason", "index_behind").counter().count())
                .as("each read refused as index_behind is counted").isEqualTo(1.0);
    }

    private QueryResult query(String path, String predicate, Lens lens) {
        return queries.query(new QueryRequest(path, false, predicate, lens, null, 1000, null));
    }

    private Assertion add(String path, String predicate, String value, String confidence, int millis) {
        AssertionContent content = new AssertionContent(path, predicate, value, "agent", confidence);
        Assertion assertion = new Assertion("id-" + nextIndex, content, HlcTimestamp.pack(T0 + millis, 0), 1, nextIndex++);
        index.apply(assertion);
        return assertion;
    }

    private static List<String> ids(QueryResult result) {
        return result.hits().stream().map(hit -> ((Assertion) hit.record()).id()).toList();
    }
}
