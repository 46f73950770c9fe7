package io.stemedb.node.bench.stack;

import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;
import static org.springframework.web.servlet.function.RequestPredicates.path;

import java.net.URI;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The gateway-service's proxying with nothing of StemeDB in it: Spring Cloud Gateway's server
 * MVC passes every {@code /v1/**} request to {@link CeilingEndpoint} through the same Apache
 * HttpClient 5 set-up the gateway uses (no Nagle, a pool as large as the load), with no key
 * check, no rate limit, no circuit breaker and no primary lookup.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class CeilingProxy {

    @Bean
    HttpComponentsClientHttpRequestFactoryBuilder proxyClientFactoryBuilder() {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                .withSocketConfigCustomizer(socket -> socket.setTcpNoDelay(true))
                .withConnectionManagerCustomizer(pool -> pool.setMaxConnPerRoute(256).setMaxConnTotal(1024));
    }

    @Bean
    RouterFunction<ServerResponse> ceilingRoute(@Value("${stemedb.ceiling.endpoint}") URI endpoint) {
        return route("ceiling").route(path("/v1/**"), http()).before(uri(endpoint)).build();
    }
}
