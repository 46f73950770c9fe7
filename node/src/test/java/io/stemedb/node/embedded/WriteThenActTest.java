package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assertion writes answer once durable, before the index has applied them; whatever a client does
 * next with the id it got (vote, retract, fetch, write it again) must still find it. With the
 * node's services wired both ways: in-process gRPC (the default) and loopback TCP.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WriteThenActTest {

    @TempDir
    Path data;

    private final TestHttp http = new TestHttp();

    @ParameterizedTest
    @EnumSource(InternalTransport.class)
    void theNextRequestAlwaysSeesTheWriteJustAnswered(InternalTransport transport) throws Exception {
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("wta", data.resolve(transport.name()), "127.0.0.1",
                FreePorts.forNode(), null).withInternalTransport(transport))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            String api = node.apiUrl();
            for (int i = 0; i < 200; i++) {
                String body = "{\"concept_path\":\"wta/c\",\"predicate\":\"p" + i + "\",\"value\":" + i + "}";
                TestHttp.Response written = http.postJson(api + "/v1/assert", body);
                assertThat(written.status()).isEqualTo(201);
                String id = written.json().get("id").stringValue();
                switch (i % 4) {
                    case 0 -> assertThat(http.postJson(api + "/v1/vote",
                            "{\"assertion_id\":\"" + id + "\",\"agent_id\":\"v\",\"weight\":1}").status()).isEqualTo(201);
                    case 1 -> assertThat(http.get(api + "/v1/assertions/" + id).status()).isEqualTo(200);
                    case 2 -> assertThat(http.postJson(api + "/v1/retract", "{\"assertion_id\":\"" + id + "\"}").status())
                            .isEqualTo(201);
                    default -> {
                        TestHttp.Response again = http.postJson(api + "/v1/assert", body);
                        assertThat(again.status()).isEqualTo(200);
                        assertThat(again.json().get("index").asLong()).isEqualTo(written.json().get("index").asLong());
                    }
                }
            }
        }
    }
}
