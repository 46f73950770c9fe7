package io.stemedb.gateway.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.MalformedInputException;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.ResourceAccessException;

/**
 * Only transport failures count against a downstream's breaker: a request the gateway itself
 * cannot handle (here, undecodable input) must not trip a breaker that every client shares.
 */
class DownstreamFailureClassificationTest {

    @Test
    void transportFailuresCountAndDecodingFailuresDoNot() {
        assertThat(DownstreamBreakers.isUnreachable(new ResourceAccessException("I/O error", new ConnectException("refused"))))
                .isTrue();
        assertThat(DownstreamBreakers.isUnreachable(new ResourceAccessException("I/O error", new SocketTimeoutException())))
                .isTrue();
        assertThat(DownstreamBreakers.isUnreachable(new IllegalStateException("decoding",
                new UncheckedIOException(new MalformedInputException(1))))).isFalse();
        assertThat(DownstreamBreakers.isUnreachable(new IllegalArgumentException("bad URI"))).isFalse();
    }
}
