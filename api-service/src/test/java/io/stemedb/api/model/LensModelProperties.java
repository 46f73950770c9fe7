package io.stemedb.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.query.AsOf;
import io.stemedb.api.query.QueryCursor;
import io.stemedb.api.query.QueryRequest;
import io.stemedb.api.query.QueryResult;
import io.stemedb.api.query.QueryService;
import io.stemedb.api.query.lens.Lens;
import io.stemedb.api.query.lens.QueryHit;
import io.stemedb.common.canonical.ContentHash;
import io.stemedb.common.clock.HlcTimestamp;
import io.stemedb.common.model.Assertion;
import io.stemedb.common.model.AssertionContent;
import io.stemedb.common.model.Epoch;
import io.stemedb.common.model.LogRecord;
import io.stemedb.common.model.Retraction;
import io.stemedb.common.model.Vote;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The four lenses, exact and subtree, with and without a predicate, now and {@code as_of} an
 * index, an epoch or a timestamp, and page by page: the index must answer exactly what the
 * {@link ReferenceModel} answers, over random sequences of asserts (repeated content included),
 * votes (changed and repeated), retractions (by several agents) and epochs, with timestamps that
 * do not always follow log order (as after an import).
 */
class LensModelProperties {

    private static final List<String> CONCEPTS = List.of("a", "a/b", "a/b/c", "a/b-x", "d");
    private static final List<String> PREDICATES = List.of("p", "q");
    private static final long T0 = 1_790_000_000_000L;

    /** One step of a history; {@code pick} chooses among earlier assertions. */
    record Step(int kind, int concept, int predicate, int value, int agent, int confidence, int pick, int weight, int skew) {}

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(List.of(
                Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, CONCEPTS.size() - 1),
                Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(-3, 3)))
                .as(v -> new Step(v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), v.get(5), v.get(6), v.get(7), v.get(8)));
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 1000)
    void everyLensAgreesWithTheReferenceModel(@ForAll("histories") List<Step> history,
            @ForAll("queries") List<Integer> query) {
        AssertionIndex index = new AssertionIndex(new SimpleMeterRegistry());
        ReferenceModel model = new ReferenceModel();
        List<Assertion> written = new ArrayList<>();
        long logIndex = 0;
        int epochs = 0;
        for (Step step : history) {
            long hlc = HlcTimestamp.pack(T0 + (logIndex + 1) * 10 + step.skew() * 7L, 0);
            LogRecord record;
            if (step.kind() <= 4 || written.isEmpty()) {
                AssertionContent content = new AssertionContent(CONCEPTS.get(step.concept()), PREDICATES.get(step.predicate()),
                        Integer.toString(step.value()), "agent" + step.agent(), List.of("0", "0.5", "1").get(step.confidence()));
                Assertion assertion = new Assertion(ContentHash.of(content), content, hlc, 1, ++logIndex);
                written.add(assertion);
                record = assertion;
            } else if (step.kind() <= 7) {
                Assertion target = written.get(step.pick() % written.size());
                int weight = step.weight() == 0 ? -1 : 1;
                String agent = "voter" + step.agent();
                record = new Vote(ContentHash.ofVote(target.id(), agent, weight, hlc), target.id(), agent, weight, hlc, 1, ++logIndex);
            } else if (step.kind() == 8) {
                Assertion target = written.get(step.pick() % written.size());
                String agent = "agent" + step.agent();
                record = new Retraction(ContentHash.ofRetraction(target.id(), agent, ""), target.id(), agent, "", hlc, 1, ++logIndex);
            } else {
                record = new Epoch(++epochs, "e", hlc, 1, ++logIndex);
            }
            index.apply(record);
            model.apply(record);
        }

        QueryService service = new QueryService(index, () -> 0, Duration.ofSeconds(1), new SimpleMeterRegistry());
        String root = CONCEPTS.get(query.get(0) % CONCEPTS.size());
        boolean subtree = query.get(1) == 1;
        String predicate = query.get(2) == 2 ? null : PREDICATES.get(query.get(2));
        Lens lens = Lens.values()[query.get(3)];
        long applied = index.appliedIndex();
        AsOf asOf;
        long maxIndex = applied;
        long maxHlc = Long.MAX_VALUE;
        switch (query.get(4)) {
            case 1 -> {
                asOf = new AsOf(AsOf.Kind.INDEX, query.get(5) % (applied + 1));
                maxIndex = asOf.value();
            }
            case 2 -> {
                long hlc = HlcTimestamp.pack(T0 + (query.get(5) % (applied + 1)) * 10L, 0);
                asOf = new AsOf(AsOf.Kind.TIMESTAMP, hlc);
                maxHlc = hlc;
            }
            case 3 -> {
                Epoch epoch = epochs == 0 ? null : model.epoch(1 + query.get(5) % epochs);
                asOf = epoch == null ? null : new AsOf(AsOf.Kind.EPOCH, epoch.number());
                maxIndex = epoch == null ? applied : epoch.index() - 1;
            }
            default -> asOf = null;
        }
        List<String> expected = model.answer(root, subtree, predicate, lens.wireName(), maxIndex, maxHlc);

        QueryResult whole = service.query(new QueryRequest(root, subtree, predicate, lens, asOf, 10_000, null));
        assertThat(ids(whole)).as("%s %s%s pred=%s as_of=%s", lens, root, subtree ? "/**" : "", predicate, asOf)
                .isEqualTo(expected);

        int limit = 1 + query.get(6) % 4;
        List<String> paged = new ArrayList<>();
        QueryResult page = service.query(new QueryRequest(root, subtree, predicate, lens, asOf, limit, null));
        paged.addAll(ids(page));
        while (page.nextCursor() != null) {
            page = service.query(new QueryRequest(root, subtree, predicate, lens, null, limit,
                    QueryCursor.decode(page.nextCursor())));
            assertThat(page.hits()).isNotEmpty();
            paged.addAll(ids(page));
        }
        assertThat(paged).as("pages of %d", limit).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<Integer>> queries() {
        return Combinators.combine(
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 3))
                .as(List::of);
    }

    private static List<String> ids(QueryResult result) {
        return result.hits().stream().map(LensModelProperties::idOf).toList();
    }

    private static String idOf(QueryHit hit) {
        return hit.record() instanceof Assertion a ? a.id() : ((Retraction) hit.record()).id();
    }
}
