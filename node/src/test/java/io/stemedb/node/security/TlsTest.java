package io.stemedb.node.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.stemedb.node.embedded.EmbeddedNode;
import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.embedded.NodeSettings;
import io.stemedb.node.testing.FreePorts;
import io.stemedb.node.testing.TestKeys;
import io.stemedb.node.tls.CertificateAuthority;
import io.stemedb.node.tls.NodeTls;
import io.stemedb.proto.wal.StatusRequest;
import io.stemedb.proto.wal.WalGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the public ports and mutual TLS on the internal gRPC, with certificates from
 * {@link CertificateAuthority}: clients that trust the node CA get through (writes reach the wal
 * over mTLS, the gateway reaches the api over HTTPS); a client without the CA, a gRPC client
 * without a certificate, with one from another CA, or in plaintext, is refused.
 */
class TlsTest {

    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

    @TempDir
    Path data;
    @TempDir
    Path certs;
    @TempDir
    Path rogue;

    @Test
    void publicPortsSpeakHttpsAndTheInternalGrpcNeedsAClientCertificateFromTheNodeCa() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1));
        ca.writeCertificate(certs);
        ca.issue("tls-node", LOOPBACK, Duration.ofDays(1)).write(certs);
        ca.issue("operator", LOOPBACK, Duration.ofDays(1)).write(certs);
        CertificateAuthority other = CertificateAuthority.create("another CA", Duration.ofDays(1));
        other.writeCertificate(rogue);
        other.issue("intruder", LOOPBACK, Duration.ofDays(1)).write(rogue);

        NodePorts ports = FreePorts.forNode();
        NodeSettings settings = new NodeSettings("tls-node", data, "127.0.0.1", ports, null)
                .withTls(NodeTls.fromDirectory(certs, "tls-node", true, true));
        try (EmbeddedNode node = TestKeys.start(settings)) {
            assertThat(node.awaitReady(Duration.ofSeconds(60))).isTrue();
            assertThat(node.apiUrl()).startsWith("https://");

            HttpClient trusting = HttpClient.newBuilder().sslContext(io.stemedb.node.tls.PemTrust.trusting(certs.resolve("ca.crt")))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            // A write through the gateway: HTTPS in, HTTPS from the gateway to the api, mTLS from the api to the wal.
            HttpResponse<String> written = trusting.send(post(node.gatewayUrl() + "/v1/assert",
                    "{\"concept_path\":\"tls/a\",\"predicate\":\"p\",\"value\":1,\"agent_id\":\"t\"}"), HttpResponse.BodyHandlers.ofString());
            assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
            HttpResponse<String> read = trusting.send(post(node.apiUrl() + "/v1/query", "{\"concept_path\":\"tls/a\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("\"count\":1");

            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> untrusting.send(post(node.apiUrl() + "/v1/query", "{\"concept_path\":\"tls/a\"}"),
                    HttpResponse.BodyHandlers.ofString())).as("a client without the CA").isInstanceOf(SSLHandshakeException.class);
            HttpResponse<String> plain = untrusting.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ports.api() + "/v1/health")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).as("plain HTTP on the HTTPS port").isEqualTo(400);

            // The wal's gRPC port: only clients with a certificate from the node CA.
            ChannelCredentials withCertificate = TlsChannelCredentials.newBuilder().trustManager(certs.resolve("ca.crt").toFile())
                    .keyManager(certs.resolve("operator.crt").toFile(), certs.resolve("operator.key").toFile()).build();
            assertThat(walStatus(ports.wal(), withCertificate)).as("a client certificate from the node CA").isTrue();

            ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder().trustManager(certs.resolve("ca.crt").toFile())
                    .build();
            assertThat(walStatus(ports.wal(), noCertificate)).as("TLS without a client certificate").isFalse();
            ChannelCredentials foreignCertificate = TlsChannelCredentials.newBuilder().trustManager(certs.resolve("ca.crt").toFile())
                    .keyManager(rogue.resolve("intruder.crt").toFile(), rogue.resolve("intruder.key").toFile()).build();
            assertThat(walStatus(ports.wal(), foreignCertificate)).as("a client certificate from another CA").isFalse();
            assertThat(walStatus(ports.wal(), InsecureChannelCredentials.create())).as("plaintext gRPC").isFalse();
        }
    }

    private static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TestKeys.ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** True when GetStatus answers over these credentials. */
    private static boolean walStatus(int port, ChannelCredentials credentials) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
        try {
            WalGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).getStatus(StatusRequest.getDefaultInstance());
            return true;
        } catch (StatusRuntimeException refused) {
            return false;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
