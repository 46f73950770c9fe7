package io.stemedb.gateway.routing;

import java.net.URI;

/**
 * Where the gateway sends a request: writes to the current primary, reads to a healthy node (this
 * node's own api-service first). The one seam the cluster's membership and elections will feed;
 * until then both are the configured api-service.
 */
public interface RouteTargets {

    URI primary();

    URI reads();

    /** A single api-service for everything (one node, or before elections exist). */
    static RouteTargets fixed(URI api) {
        return new RouteTargets() {
            @Override
            public URI primary() {
                return api;
            }

            @Override
            public URI reads() {
                return api;
            }
        };
    }
}
