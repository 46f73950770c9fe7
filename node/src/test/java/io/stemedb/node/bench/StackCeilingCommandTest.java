package io.stemedb.node.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.bench.stack.StackCeilingCommand;
import io.stemedb.node.testing.TestHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmark's stack ceiling answers the benchmark's write as the node does (201 and an answer
 * of the same shape) on both of its ports, through the proxy too, and runs none of StemeDB's
 * request handling: no key is asked for.
 */
class StackCeilingCommandTest {

    private static final String WRITE = """
            {"concept_path":"bench/c1","predicate":"p1","value":"v-1-xxxxxxxx","agent_id":"bench-1","confidence":0.5}""";
    private static StackCeilingCommand stack;

    @BeforeAll
    static void start() {
        stack = new StackCeilingCommand();
        new CommandLine(stack).parseArgs("--api-port", "0", "--gateway-port", "0");
        stack.start();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theEndpointAndTheProxyAnswerTheBenchmarksWriteWithoutAKey() throws Exception {
        TestHttp http = TestHttp.anonymous();
        for (int port : new int[] {stack.endpointPort(), stack.proxyPort()}) {
            TestHttp.Response first = http.postJson("http://127.0.0.1:" + port + "/v1/assert", WRITE);
            TestHttp.Response second = http.postJson("http://127.0.0.1:" + port + "/v1/assert", WRITE);
            assertThat(first.status()).as("port %d", port).isEqualTo(201);
            assertThat(first.json().path("id").asString()).hasSize(64);
            assertThat(second.json().path("index").asLong()).isGreaterThan(first.json().path("index").asLong());
            assertThat(first.json().has("timestamp")).isTrue();
        }
    }

    @Test
    void aBodyWithoutTheWritesFieldsIsRefusedThroughTheProxyToo() throws Exception {
        TestHttp.Response refused = TestHttp.anonymous().postJson("http://127.0.0.1:" + stack.proxyPort() + "/v1/assert",
                "[1, 2]");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("field").asString()).isEqualTo("concept_path");
    }
}
