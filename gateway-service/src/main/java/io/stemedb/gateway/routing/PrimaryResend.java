package io.stemedb.gateway.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.http.body.BufferedBodyRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Writes go to the primary, and once more to the new one if it moved: a write that meets a node
 * that answers {@code not_primary} or that does not take the connection is sent again, once. To
 * the primary that node names ({@code X-StemeDB-Primary}) or the one this node's consensus reports;
 * when neither knows one (an election is under way) the write waits, at most
 * {@code stemedb.gateway.primary-wait}, for this node to learn of a new primary, so a client sees
 * an election as a slower write rather than a 503. Safe: an id is a content hash, so a write that
 * did land the first time is a duplicate the second. The body is held in memory for that (writes
 * are bounded by {@code stemedb.gateway.max-request-body}).
 */
public final class PrimaryResend implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    static final String PRIMARY_HEADER = "X-StemeDB-Primary";
    static final String REASON_HEADER = "X-StemeDB-Reason";

    private final PrimaryTracker tracker;
    private final String scheme;
    private final Duration primaryWait;
    private final Counter resentRefused;
    private final Counter resentMoved;
    private final Counter resentAfterElection;
    private final Counter noPrimaryInTime;

    public PrimaryResend(PrimaryTracker tracker, String scheme, Duration primaryWait, MeterRegistry registry) {
        this.tracker = tracker;
        this.scheme = scheme;
        this.primaryWait = primaryWait;
        this.resentRefused = resends(registry, "refused");
        this.resentMoved = resends(registry, "moved");
        this.resentAfterElection = resends(registry, "election");
        this.noPrimaryInTime = Counter.builder("stemedb_gateway_primary_wait_timeouts_total")
                .description("Writes answered not_primary because no primary was known within stemedb.gateway.primary-wait")
                .register(registry);
    }

    private static Counter resends(MeterRegistry registry, String cause) {
        return Counter.builder("stemedb_gateway_write_resends_total")
                .description("Writes sent a second time to another primary: its connection was refused, it named "
                        + "another primary, or none was known until an election ended")
                .tag("cause", cause)
                .register(registry);
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        byte[] body = request.servletRequest().getInputStream().readAllBytes();
        long term = tracker.state().term();
        URI first = tracker.primary();
        ServerResponse answer;
        try {
            answer = next.handle(uri(first).apply(withBody(request, body)));
        } catch (Exception e) {
            if (!isRefused(e)) {
                throw e;
            }
            resentRefused.increment();
            return next.handle(uri(tracker.primary()).apply(withBody(request, body)));
        }
        if (answer.statusCode().value() != 503) {
            return answer;
        }
        String named = answer.headers().getFirst(PRIMARY_HEADER);
        if (named != null && !named.isEmpty()) {
            URI target = URI.create(scheme + "://" + named);
            if (!target.equals(first)) {
                resentMoved.increment();
                return next.handle(uri(target).apply(withBody(request, body)));
            }
            return answer;
        }
        if (!"not_primary".equals(answer.headers().getFirst(REASON_HEADER))) {
            // Another 503 (a timeout, a lagging or full journal): resent only if the primary has
            // moved meanwhile, since the node that answered may have lost its term during the write.
            URI now = tracker.primary();
            if (now.equals(first)) {
                return answer;
            }
            resentMoved.increment();
            return next.handle(uri(now).apply(withBody(request, body)));
        }
        Optional<URI> elected = tracker.awaitPrimaryOtherThan(first, term, primaryWait);
        if (elected.isEmpty()) {
            noPrimaryInTime.increment();
            return answer;
        }
        resentAfterElection.increment();
        return next.handle(uri(elected.get()).apply(withBody(request, body)));
    }

    private static boolean isRefused(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** The request again, its body readable from the start (each attempt reads it once). */
    private static ServerRequest withBody(ServerRequest request, byte[] body) {
        return ServerRequest.create(new BufferedBodyRequest(request.servletRequest(), body), request.messageConverters());
    }
}
