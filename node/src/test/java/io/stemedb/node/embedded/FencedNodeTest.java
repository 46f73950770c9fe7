package io.stemedb.node.embedded;

import io.stemedb.node.testing.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestHttp;
import io.stemedb.proto.wal.FenceRequest;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.WalGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose journal has been fenced at a newer term than its own stops acknowledging writes
 * (503 {@code not_primary}), over the real gRPC {@code Fence} call, and reads keep working.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FencedNodeTest {

    @TempDir
    Path dataDirectory;

    private final TestHttp http = new TestHttp();

    @Test
    void writesOfAnOlderTermAreRefusedOnceTheJournalIsFenced() throws Exception {
        NodePorts ports = FreePorts.forNode();
        String api = "http://127.0.0.1:" + ports.api();
        try (EmbeddedNode node = TestKeys.start(new NodeSettings("fenced-node", dataDirectory, "127.0.0.1", ports, null))) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            String write = "{\"concept_path\":\"fencing/demo\",\"predicate\":\"p\",\"value\":%d}";
            assertThat(http.postJson(api + "/v1/assert", write.formatted(1)).status()).isEqualTo(201);

            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", ports.wal()).usePlaintext().build();
            try {
                WalGrpc.WalBlockingStub wal = WalGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                assertThat(wal.fence(FenceRequest.newBuilder().setTerm(7).build()).getFencedTerm()).isEqualTo(7);
                assertThat(WalGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getStatus(StatusRequest.getDefaultInstance()).getFencedTerm()).isEqualTo(7);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }

            TestHttp.Response refused = http.postJson(api + "/v1/assert", write.formatted(2));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("reason").stringValue()).isEqualTo("not_primary");
            assertThat(refused.json().get("detail").stringValue()).contains("fenced term 7");

            TestHttp.Response read = http.postJson(api + "/v1/query", "{\"concept_path\":\"fencing/demo\",\"lens\":\"history\"}");
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().get("count").asInt()).isEqualTo(1);
        }
    }
}
