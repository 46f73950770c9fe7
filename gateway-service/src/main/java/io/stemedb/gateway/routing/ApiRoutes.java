package io.stemedb.gateway.routing;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

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
    RouterFunction<ServerResponse> apiRoute(GatewayProperties properties) {
        return route("api")
                .route(path("/v1/**"), http())
                .before(uri(properties.apiUri()))
                .build();
    }
}
