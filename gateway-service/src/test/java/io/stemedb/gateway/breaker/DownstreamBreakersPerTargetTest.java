package io.stemedb.gateway.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.server.mvc.common.MvcUtils;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A dead primary opens its own breaker, not the gateway's: once the gateway sends writes to the
 * new primary they go through at once, instead of meeting {@code circuit_open} for the rest of the
 * dead node's open time (the failover benchmark saw every gateway refuse writes for 5 s after a
 * new primary was elected).
 */
class DownstreamBreakersPerTargetTest {

    private static final URI OWN_API = URI.create("http://127.0.0.1:18180");
    private static final URI DEAD_PRIMARY = URI.create("http://127.0.0.2:18180/v1/assert");
    private static final URI NEW_PRIMARY = URI.create("http://127.0.0.3:18180/v1/assert");

    private final CircuitBreakerRegistry registry = BreakerConfiguration.defaultRegistry(Duration.ofSeconds(5));
    private final DownstreamBreakers breakers = new DownstreamBreakers(registry,
            new AgentBreakers(registry, 100, Duration.ofMinutes(10), new SimpleMeterRegistry(), System::nanoTime), OWN_API,
            Duration.ofSeconds(5));

    @Test
    void writesToADeadPrimaryOpenItsBreakerAndTheNewPrimarysStaysClosed() throws Exception {
        AtomicInteger reached = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            ServerResponse answer = breakers.filter(request(DEAD_PRIMARY), sent -> {
                reached.incrementAndGet();
                throw new ResourceAccessException("I/O error", new ConnectException("refused"));
            });
            assertThat(answer.statusCode().value()).isEqualTo(503);
        }
        assertThat(registry.find("node:http://127.0.0.2:18180")).get().extracting(CircuitBreaker::getState)
                .isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(reached.get()).as("calls stop reaching the dead node once its breaker is open").isLessThan(20);

        ServerResponse written = breakers.filter(request(NEW_PRIMARY), sent -> ServerResponse.status(201).build());
        assertThat(written.statusCode().value()).as("the new primary's breaker is closed").isEqualTo(201);
        ServerResponse read = breakers.filter(request(null), sent -> ServerResponse.ok().build());
        assertThat(read.statusCode().value()).as("a request without a routed target goes to this node's api").isEqualTo(200);
        assertThat(registry.getAllCircuitBreakers().stream().map(CircuitBreaker::getName).sorted().toList())
                .isEqualTo(List.of("node:http://127.0.0.1:18180", "node:http://127.0.0.2:18180", "node:http://127.0.0.3:18180"));
    }

    private static ServerRequest request(URI target) {
        MockHttpServletRequest servlet = new MockHttpServletRequest("POST", "/v1/assert");
        ServerRequest request = ServerRequest.create(servlet, List.of());
        if (target != null) {
            request.attributes().put(MvcUtils.GATEWAY_REQUEST_URL_ATTR, target);
        }
        return request;
    }
}
