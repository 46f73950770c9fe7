package io.stemedb.gateway.proxy;

import io.stemedb.gateway.config.GatewayProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The client the gateway proxies with: Apache HttpClient 5 with a connection pool sized for the
 * gateway's concurrency. Its defaults (5 connections per route) would queue every request beyond
 * the fifth; the JDK client it replaces hands each exchange between threads, which cost half the
 * throughput on two cores (docs/benchmarks.md).
 */
@Configuration(proxyBeanMethods = false)
public class ProxyClientConfiguration {

    /** The admin import is passed on as JSON Lines whatever type the client declared. */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<io.stemedb.http.body.ImportBodyFilter> importBodyFilter() {
        return io.stemedb.http.body.ImportBodyFilter.registration();
    }

    /** Oversized requests are refused here, before a connection to the api-service is used for them. */
    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<io.stemedb.http.limits.RequestLimitsFilter> requestLimitsFilter(
            GatewayProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        return io.stemedb.http.limits.RequestLimitsFilter.registration("gateway-service", properties.maxRequestBody().toBytes(),
                properties.maxUriLength(), registry);
    }

    @Bean
    HttpComponentsClientHttpRequestFactoryBuilder proxyClientFactoryBuilder(GatewayProperties properties) {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                // Headers and body go out as separate writes; with Nagle on, each small request
                // waits for the peer's delayed ACK (tens of milliseconds).
                .withSocketConfigCustomizer(socket -> socket.setTcpNoDelay(true))
                .withConnectionManagerCustomizer(pool -> pool
                        .setMaxConnPerRoute(properties.maxConnectionsPerNode())
                        .setMaxConnTotal(properties.maxConnectionsPerNode() * 4));
    }
}
