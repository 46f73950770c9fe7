package io.stemedb.gateway.config;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the gateway-service ({@code stemedb.gateway.*}); also in gateway-service/README.md.
 *
 * @param apiUri the api-service every {@code /v1/**} request goes to until cluster routing
 *               exists; default {@code http://127.0.0.1:18180}
 * @param maxConnectionsPerNode  pooled keep-alive connections to one api-service; default 256
 * @param rateLimits             request limits this gateway enforces (per instance)
 * @param maxRequestBody         a request body (413 above it, before it is proxied); the admin
 *                               import is streamed and exempt; default 16MB
 * @param maxUriLength           path and query string, in characters (414 above it); default 4096
 * @param agentBreakers          how many per-agent circuit breakers are kept, and for how long
 * @param primaryWait            how long a write that met no primary (an election under way) waits
 *                               for this node to learn of one before it is answered 503
 *                               {@code not_primary}; a Tomcat thread is held meanwhile; 0 = do not
 *                               wait; default 5s (elections take 1–3 s)
 */
@ConfigurationProperties("stemedb.gateway")
public record GatewayProperties(
        @DefaultValue("http://127.0.0.1:18180") URI apiUri,
        @DefaultValue("256") int maxConnectionsPerNode,
        @DefaultValue RateLimits rateLimits,
        @DefaultValue("16MB") org.springframework.util.unit.DataSize maxRequestBody,
        @DefaultValue("4096") int maxUriLength,
        @DefaultValue AgentBreakerLimits agentBreakers,
        @DefaultValue("5s") java.time.Duration primaryWait) {

    /**
     * @param perEndpoint         requests per second per endpoint path (e.g. {@code /v1/query: 500});
     *                            unlisted endpoints are not limited; default none
     * @param perAgent            requests per second per {@code X-Agent-Id}; 0 = unlimited; default 0
     */
    public record RateLimits(java.util.Map<String, Long> perEndpoint, @DefaultValue("0") long perAgent) {}

    /**
     * @param maxAgents   per-agent breakers tracked at once (each has its own metric series); the
     *                    least recently used closed one is dropped to make room; default 1000
     * @param idleExpiry  a closed breaker unused this long is dropped; default 10m
     */
    public record AgentBreakerLimits(@DefaultValue("1000") int maxAgents, @DefaultValue("10m") java.time.Duration idleExpiry) {}
}
