package io.stemedb.gateway.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;

import io.stemedb.http.body.BufferedBodyRequest;
import java.net.URI;
import java.util.function.Supplier;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Writes go to the primary, and once more to the new one if it moved: a write that meets a node
 * that answers {@code not_primary} (it names the primary in {@code X-StemeDB-Primary}) or that
 * does not take the connection is sent again, once, to the primary named or the one the
 * replication-service reports by then. Safe: an id is a content hash, so a write that did land
 * the first time is a duplicate the second. The body is held in memory for that (writes are
 * bounded by {@code stemedb.gateway.max-request-body}).
 */
public final class PrimaryResend implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    static final String PRIMARY_HEADER = "X-StemeDB-Primary";

    private final Supplier<URI> primary;
    private final String scheme;

    public PrimaryResend(Supplier<URI> primary, String scheme) {
        this.primary = primary;
        this.scheme = scheme;
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        byte[] body = request.servletRequest().getInputStream().readAllBytes();
        URI first = primary.get();
        ServerResponse answer;
        try {
            answer = next.handle(uri(first).apply(withBody(request, body)));
        } catch (Exception e) {
            if (!isRefused(e)) {
                throw e;
            }
            return next.handle(uri(primary.get()).apply(withBody(request, body)));
        }
        if (answer.statusCode().value() == 503) {
            String named = answer.headers().getFirst(PRIMARY_HEADER);
            URI target = named != null ? URI.create(scheme + "://" + named) : primary.get();
            if (!target.equals(first)) {
                return next.handle(uri(target).apply(withBody(request, body)));
            }
        }
        return answer;
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
