package io.stemedb.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class StartingReadGateTest {

    @Test
    void readsAreRefusedAsStartingUntilTheIndexHasCaughtUp() {
        AtomicBoolean caughtUp = new AtomicBoolean(false);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StartingReadGate gate = new StartingReadGate(caughtUp::get, registry);
        MockHttpServletRequest query = new MockHttpServletRequest("POST", "/v1/query");

        assertThatThrownBy(() -> gate.preHandle(query, new MockHttpServletResponse(), new Object()))
                .isInstanceOfSatisfying(UnavailableException.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(UnavailableReason.STARTING);
                    assertThat(refused.retryAfterSeconds()).isPositive();
                });
        assertThat(registry.counter("stemedb.api.reads.refused", "reason", "starting").count()).isEqualTo(1);
        caughtUp.set(true);
        assertThat(gate.preHandle(query, new MockHttpServletResponse(), new Object())).isTrue();
        assertThat(registry.counter("stemedb.api.reads.refused", "reason", "starting").count()).isEqualTo(1);
    }
}
