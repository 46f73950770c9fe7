package io.stemedb.gateway.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.prefixPath;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

import io.stemedb.gateway.breaker.DownstreamBreakers;
import io.stemedb.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The gateway's routes. For now every {@code /v1/**} request goes to the configured api-service;
 * routing writes to the primary and reads to a healthy node comes with the cluster.
 */
@Configuration(proxyBeanMethods = false)
public class ApiRoutes {

    @Bean
    RouterFunction<ServerResponse> apiRoute(GatewayProperties properties, DownstreamBreakers breakers) {
        return route("api")
                .route(path("/v1/**"), http())
                .before(uri(properties.apiUri()))
                .filter(breakers)
                .build();
    }

    /**
     * The runbooks' gateway admin path {@code /admin/cluster/remove} is the api-service's
     * {@code /v1/admin/cluster/remove}: one implementation, one admin check (the api-service's),
     * whichever port an operator uses.
     */
    @Bean
    RouterFunction<ServerResponse> clusterAdminRoute(GatewayProperties properties) {
        return route("cluster-admin")
                .route(path("/admin/cluster/**"), http())
                .before(uri(properties.apiUri()))
                .before(prefixPath("/v1"))
                .build();
    }
}
