package io.stemedb.gateway.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentBreakersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CircuitBreakerRegistry registry = BreakerConfiguration.defaultRegistry(Duration.ofSeconds(5));
    private final AtomicLong nanos = new AtomicLong();

    AgentBreakersTest() {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    }

    @Test
    void aClientCyclingThroughAgentIdsNeverGrowsTheBreakersOrTheirMetricsPastTheBound() {
        AgentBreakers agents = new AgentBreakers(registry, 100, Duration.ofMinutes(10), meters, nanos::get);
        for (int i = 0; i < 5_000; i++) {
            agents.of("agent-" + i).onSuccess(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        assertThat(agents.size()).isEqualTo(100);
        assertThat(registry.getAllCircuitBreakers()).hasSize(100);
        assertThat(agentSeries()).as("breaker metric series for agent ids").isBetween(1L, 100L * 20);
        assertThat(registry.find("agent:agent-4999")).as("the newest is kept").isPresent();
        assertThat(registry.find("agent:agent-0")).as("the oldest made room").isEmpty();
        assertThat(meters.get("stemedb.gateway.agent.breakers.evicted").tag("cause", "capacity").counter().count())
                .isEqualTo(4_900);
    }

    @Test
    void aBreakerIdleForTheExpiryIsDroppedWithItsMetricsAndComesBackClosed() {
        AgentBreakers agents = new AgentBreakers(registry, 100, Duration.ofMinutes(10), meters, nanos::get);
        CircuitBreaker quiet = agents.of("quiet");
        agents.of("busy");
        long seriesBefore = agentSeries();
        nanos.addAndGet(Duration.ofMinutes(6).toNanos());
        agents.of("busy");
        nanos.addAndGet(Duration.ofMinutes(5).toNanos());
        agents.of("busy"); // quiet is now 11 minutes idle, busy 5

        assertThat(registry.find("agent:quiet")).isEmpty();
        assertThat(registry.find("agent:busy")).isPresent();
        assertThat(agentSeries()).isLessThan(seriesBefore);
        assertThat(meters.get("stemedb.gateway.agent.breakers.evicted").tag("cause", "idle").counter().count()).isEqualTo(1);
        CircuitBreaker again = agents.of("quiet");
        assertThat(again).isNotSameAs(quiet);
        assertThat(again.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aTrippedBreakerIsKeptWhileClosedOnesMakeRoomAndIsNotExpiredWhileOpen() {
        AgentBreakers agents = new AgentBreakers(registry, 3, Duration.ofMinutes(10), meters, nanos::get);
        agents.of("tripped").transitionToOpenState();
        for (int i = 0; i < 10; i++) {
            nanos.addAndGet(1_000);
            agents.of("other-" + i);
        }
        assertThat(registry.find("agent:tripped")).as("an operator still sees and resets it").isPresent();
        assertThat(registry.find("agent:tripped").get().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        nanos.addAndGet(Duration.ofMinutes(20).toNanos());
        agents.of("other-9");
        assertThat(registry.find("agent:tripped")).as("not expired while open").isPresent();
        assertThat(agents.size()).isLessThanOrEqualTo(3);
    }

    private long agentSeries() {
        return meters.getMeters().stream()
                .map(Meter::getId)
                .filter(id -> id.getName().startsWith("resilience4j.circuitbreaker"))
                .filter(id -> String.valueOf(id.getTag("name")).startsWith(AgentBreakers.PREFIX))
                .count();
    }
}
