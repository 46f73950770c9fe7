package io.stemedb.gateway.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.prefixPath;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

import io.stemedb.gateway.breaker.DownstreamBreakers;
import io.stemedb.gateway.breaker.GatewayBreakersController;
import io.stemedb.gateway.breaker.ReadRetries;
import io.stemedb.gateway.config.GatewayProperties;
import io.stemedb.gateway.ratelimit.RequestRateLimits;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The gateway's routes: reads to {@link RouteTargets#reads()} (this node's api-service), writes to
 * {@link RouteTargets#primary()} (the primary this node's consensus names, resent once if it moved),
 * both behind the circuit breakers.
 */
@Configuration(proxyBeanMethods = false)
public class ApiRoutes {

    /** Name of the gRPC channel to this node's replication-service: {@code spring.grpc.client.channel.replication.target}. */
    static final String REPLICATION_CHANNEL = "replication";

    @Bean(destroyMethod = "shutdownNow")
    io.grpc.ManagedChannel replicationChannel(org.springframework.grpc.client.GrpcChannelFactory channels) {
        return channels.createChannel(REPLICATION_CHANNEL);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    PrimaryTracker primaryTracker(io.grpc.ManagedChannel replicationChannel, GatewayProperties properties) {
        return new PrimaryTracker(replicationChannel, properties.apiUri());
    }

    /** Writes to the primary the node's consensus names; reads to this node's own api-service. */
    @Bean
    RouteTargets routeTargets(GatewayProperties properties, PrimaryTracker primary) {
        return new RouteTargets() {
            @Override
            public java.net.URI primary() {
                return primary.primary();
            }

            @Override
            public java.net.URI reads() {
                return properties.apiUri();
            }
        };
    }

    @Bean
    RequestRateLimits requestRateLimits(GatewayProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        return new RequestRateLimits(properties.rateLimits().perEndpoint(), properties.rateLimits().perAgent(), registry);
    }

    /** Reads (GET, and the query and watch endpoints) go to a healthy node; everything else is a write, to the primary. */
    @Bean
    @org.springframework.core.annotation.Order(1)
    RouterFunction<ServerResponse> readRoute(RouteTargets targets, DownstreamBreakers breakers, RequestRateLimits limits,
            io.micrometer.core.instrument.MeterRegistry registry) {
        return route("api-reads")
                .route(proxied().and(request -> isRead(request)), http())
                .before(request -> uri(targets.reads()).apply(request))
                // Breakers outermost: a retried read counts once, and the retry sees the raw failure.
                .filter(breakers)
                .filter(new ReadRetries(registry))
                .filter(limits)
                .build();
    }

    @Bean
    @org.springframework.core.annotation.Order(2)
    RouterFunction<ServerResponse> writeRoute(RouteTargets targets, DownstreamBreakers breakers, RequestRateLimits limits,
            GatewayProperties properties, PrimaryTracker tracker, io.micrometer.core.instrument.MeterRegistry registry) {
        return route("api-writes")
                .route(proxied(), http())
                .before(request -> uri(targets.primary()).apply(request))
                .filter(breakers)
                .filter(limits)
                // Innermost: a write resent to a new primary is one call for the breakers and limits.
                .filter(new PrimaryResend(tracker, properties.apiUri().getScheme(), properties.primaryWait(), registry))
                .build();
    }

    /** Every {@code /v1/**} request but those the gateway answers itself ({@link GatewayBreakersController}). */
    private static org.springframework.web.servlet.function.RequestPredicate proxied() {
        return path("/v1/**").and(request -> !GatewayBreakersController.answers(request.path()));
    }

    static boolean isRead(org.springframework.web.servlet.function.ServerRequest request) {
        String path = request.path();
        return request.method().name().equals("GET") || path.equals("/v1/query");
    }

    /**
     * The runbooks' gateway admin path {@code /admin/cluster/remove} is the api-service's
     * {@code /v1/admin/cluster/remove}: one implementation, one admin check (the api-service's),
     * whichever port an operator uses.
     */
    @Bean
    RouterFunction<ServerResponse> clusterAdminRoute(RouteTargets targets) {
        return route("cluster-admin")
                .route(path("/admin/cluster/**"), http())
                .before(request -> uri(targets.reads()).apply(request))
                .before(prefixPath("/v1"))
                .build();
    }
}
