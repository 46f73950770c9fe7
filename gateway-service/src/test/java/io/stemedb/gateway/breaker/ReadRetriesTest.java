package io.stemedb.gateway.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.StringHttpMessageConverter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

class ReadRetriesTest {

    private final ReadRetries retries = new ReadRetries(new SimpleMeterRegistry());

    @Test
    void aGetThatCouldNotConnectIsRetriedOnceWithinTheBudget() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ServerResponse answer = retries.filter(request("GET"), request -> {
            if (calls.incrementAndGet() == 1) {
                throw new RuntimeException(new ConnectException("refused"));
            }
            return ServerResponse.ok().build();
        });
        assertThat(answer.statusCode().value()).isEqualTo(200);
        assertThat(calls).hasValue(2);
    }

    @Test
    void writesAreNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retries.filter(request("POST"), request -> {
            calls.incrementAndGet();
            throw new RuntimeException(new ConnectException("refused"));
        })).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void theBudgetStopsARetryStorm() {
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            try {
                retries.filter(request("GET"), request -> {
                    calls.incrementAndGet();
                    throw new RuntimeException(new ConnectException("refused"));
                });
            } catch (Exception expected) {
                // every read fails here
            }
        }
        // 20 reads: at most 20 / 10 + 5 = 7 retries.
        assertThat(calls.get()).isEqualTo(20 + 7);
    }

    private static ServerRequest request(String method) {
        return ServerRequest.create(new MockHttpServletRequest(method, "/v1/health"), List.of(new StringHttpMessageConverter()));
    }
}
