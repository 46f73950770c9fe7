package io.stemedb.gateway.routing;

import io.grpc.ManagedChannel;
import io.stemedb.common.consensus.CommitState;
import io.stemedb.common.consensus.CommitWatch;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the primary's api is, as this node's replication-service streams it (over gRPC, like every
 * other contract): the gateway sends writes there. The scheme is the local api's (every node of a
 * cluster speaks the same).
 */
public final class PrimaryTracker implements AutoCloseable {

    private final CommitWatch commits;
    private final URI localApi;

    public PrimaryTracker(ManagedChannel replication, URI localApi) {
        this.commits = new CommitWatch(replication);
        this.localApi = localApi;
    }

    public void start() {
        commits.start();
    }

    /** The primary's api, or the local one while none is known (it answers {@code not_primary} then). */
    public URI primary() {
        CommitState state = commits.state();
        if (state.primaryApi().isEmpty() || !state.connected()) {
            return localApi;
        }
        return apiOf(state);
    }

    /**
     * The primary's api once this node knows one that is not {@code refused} in {@code term} (the
     * node that answered {@code not_primary} while this node's consensus was in {@code term}; it
     * can be primary again only in a later term), waiting at most {@code wait} for an election to
     * end; empty if none is known by then.
     */
    public Optional<URI> awaitPrimaryOtherThan(URI refused, long term, Duration wait) throws InterruptedException {
        CommitState known = commits.awaitState(state -> state.connected() && !state.primaryApi().isEmpty()
                && (state.term() > term || !apiOf(state).equals(refused)), wait);
        if (!known.connected() || known.primaryApi().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(apiOf(known));
    }

    private URI apiOf(CommitState state) {
        return URI.create(localApi.getScheme() + "://" + state.primaryApi());
    }

    public CommitState state() {
        return commits.state();
    }

    @Override
    public void close() {
        commits.close();
    }
}
