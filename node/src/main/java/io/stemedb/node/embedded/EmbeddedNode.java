package io.stemedb.node.embedded;

import io.stemedb.api.ApiServiceApplication;
import io.stemedb.api.index.AssertionIndex;
import io.stemedb.api.index.WalTailer;
import io.stemedb.common.consensus.CommitState;
import io.stemedb.api.replication.ReplicationClient;
import io.stemedb.gateway.GatewayServiceApplication;
import io.stemedb.membership.MembershipServiceApplication;
import io.stemedb.node.tls.NodeTls;
import io.stemedb.replication.ReplicationServiceApplication;
import io.stemedb.wal.WalServiceApplication;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole node in one JVM: the five services as five independent Spring contexts, each on its
 * own ports, with its own beans and meters, talking to each other only through their network
 * contracts (api → wal over gRPC, gateway → api over HTTP, the node's {@code /metrics} gathered
 * over gRPC) exactly as they do when deployed apart. The gRPC contracts are reached at in-process
 * addresses by default ({@link InternalTransport}): the same stubs and services, without a socket.
 *
 * <p>Started in dependency order (wal, api, replication, membership, gateway) and closed in the
 * reverse order, so that the entry point stops taking requests first and the journal closes last.
 * Each child reads its own {@code <service>.yml} ({@code spring.config.name}); the node passes
 * what it decides (ports, data directory, addresses) as command-line properties, which outrank
 * those files.
 */
public final class EmbeddedNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedNode.class);
    /** Spring Boot's generated-password user: StemeDB authenticates API keys, never users. */
    private static final String USER_DETAILS =
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration";
    /**
     * spring-grpc's server security (token interceptors) would switch on because Spring Security
     * is on the node's shared classpath; the internal gRPC is secured by mutual TLS instead.
     */
    private static final String GRPC_SECURITY =
            "org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerSecurityAutoConfiguration,"
                    + "org.springframework.boot.grpc.server.autoconfigure.security.GrpcServerOAuth2ResourceServerAutoConfiguration";

    /**
     * Spring Cloud Gateway's auto-configuration, which the shared classpath would also switch on in
     * the api-service (its servlet filters and router mapping ran on every api request, about 7% of
     * the api's CPU per write) and in the internal services; only the gateway-service gets it.
     */
    private static final String GATEWAY_AUTO_CONFIGURATION = String.join(",",
            "org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.GatewayMvcClassPathWarningAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctionAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.handler.GatewayMultipartAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.predicate.PredicateAutoConfiguration",
            "org.springframework.cloud.gateway.server.mvc.config.DefaultFunctionConfiguration");

    private final NodeSettings settings;
    private final List<ConfigurableApplicationContext> children = new ArrayList<>();
    private ConfigurableApplicationContext api;

    private EmbeddedNode(NodeSettings settings) {
        this.settings = settings;
    }

    public static EmbeddedNode start(NodeSettings settings) {
        System.setProperty("chronicle.analytics.disable", "true");
        EmbeddedNode node = new EmbeddedNode(settings);
        try {
            node.startServices();
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void startServices() {
        NodePorts ports = settings.ports();
        String bind = settings.bindAddress();
        children.add(startChild(WalServiceApplication.class, WalServiceApplication.CONFIG_NAME, WebApplicationType.NONE,
                with(internalGrpcServer(), with(inProcessServer(walName()),
                        "--spring.grpc.server.address=127.0.0.1",
                        "--spring.grpc.server.port=" + ports.wal(),
                        "--stemedb.wal.dir=" + settings.walDirectory().toAbsolutePath(),
                        // Nothing is deleted before the index and the replication-service have said what they need.
                        "--stemedb.wal.retention.required-consumers=index,replication"))));
        Path keys = AdminToken.ensureKeys(settings.dataDirectory());
        Path adminToken = settings.dataDirectory().resolve(AdminToken.FILE_NAME);
        log.info("keys (digests) are in {}; {}", keys.toAbsolutePath(), Files.exists(adminToken)
                ? "the generated admin key ('Authorization: Bearer <key>') is in " + adminToken.toAbsolutePath()
                : "add keys with 'stemedb keys add'");
        api = startChild(ApiServiceApplication.class, ApiServiceApplication.CONFIG_NAME, WebApplicationType.SERVLET,
                with(publicHttps(), with(internalGrpcClient(), with(membershipClient(), with(internalGrpcServer(),
                        with(inProcessServer(storeName()),
                        "--stemedb.security.keys-file=" + keys.toAbsolutePath(),
                        "--stemedb.api.snapshot.dir=" + settings.dataDirectory().resolve("index").toAbsolutePath(),
                        "--server.address=" + bind,
                        "--server.port=" + ports.api(),
                        // Its record store (gRPC), for this node's replication-service only: loopback.
                        "--spring.grpc.server.address=127.0.0.1",
                        "--spring.grpc.server.port=" + ports.store(),
                        "--spring.grpc.client.channel.wal.target=" + walTarget(),
                        "--spring.grpc.client.channel.replication.target=" + replicationTarget(),
                        "--stemedb.api.node-id=" + settings.nodeId()))))));
        children.add(api);
        children.add(startChild(ReplicationServiceApplication.class, ReplicationServiceApplication.CONFIG_NAME,
                WebApplicationType.NONE,
                with(replicationClients(), with(membershipClient(), with(internalGrpcServer(),
                        with(inProcessServer(replicationName()), replicationProperties(ports, bind)))))));
        children.add(startChild(MembershipServiceApplication.class, MembershipServiceApplication.CONFIG_NAME,
                WebApplicationType.NONE,
                with(internalGrpcServer(), with(inProcessServer(membershipName()),
                // Its gRPC contract listens on TCP at the SWIM port's number, on loopback: only the
                // node's own services call it.
                "--spring.grpc.server.address=127.0.0.1",
                "--spring.grpc.server.port=" + ports.swim(),
                "--stemedb.membership.node-id=" + settings.nodeId(),
                "--stemedb.membership.swim.bind-address=" + bind,
                "--stemedb.membership.swim.port=" + ports.swim(),
                "--stemedb.membership.seeds=" + String.join(",", settings.seeds()),
                "--stemedb.membership.metadata.api=" + clientHost() + ":" + ports.api(),
                "--stemedb.membership.metadata.gateway=" + clientHost() + ":" + ports.gateway(),
                "--stemedb.membership.metadata.rpc=" + clientHost() + ":" + ports.rpc()))));
        children.add(startChild(GatewayServiceApplication.class, GatewayServiceApplication.CONFIG_NAME,
                WebApplicationType.SERVLET,
                with(publicHttps(), with(gatewayClientTrust(), with(replicationClientTls(), with(membershipClient(),
                        "--server.address=" + bind,
                        "--server.port=" + ports.gateway(),
                        "--spring.grpc.server.enabled=false",
                        "--stemedb.security.keys-file=" + keys.toAbsolutePath(),
                        "--spring.grpc.client.channel.replication.target=" + replicationTarget(),
                        "--stemedb.gateway.api-uri=" + scheme() + "://" + clientHost() + ":" + ports.api()))))));
    }

    /** The replication-service's identity, its wal, and the cluster it belongs to. */
    private String[] replicationProperties(NodePorts ports, String bind) {
        List<String> properties = new ArrayList<>(List.of(
                "--spring.grpc.server.address=" + bind,
                "--spring.grpc.server.port=" + ports.rpc(),
                "--spring.grpc.client.channel.wal.target=" + walTarget(),
                "--spring.grpc.client.channel.store.target=" + storeTarget(),
                "--stemedb.replication.node-id=" + settings.nodeId(),
                "--stemedb.replication.factor=" + settings.cluster().replicationFactor(),
                "--stemedb.replication.join=" + settings.cluster().join()));
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            properties.add("--stemedb.replication.source-address=" + bind);
        }
        settings.cluster().members().forEach((id, member) -> {
            properties.add("--stemedb.replication.members." + id + ".rpc=" + member.rpc());
            properties.add("--stemedb.replication.members." + id + ".api=" + member.api());
            properties.add("--stemedb.replication.members." + id + ".priority=" + member.priority());
        });
        return properties.toArray(String[]::new);
    }

    /** The replication-service's channels (its wal, its peers) present the node certificate and trust the node CA. */
    private List<String> replicationClients() {
        List<String> properties = new ArrayList<>(tls(settings.internalTls(),
                "--spring.grpc.client.channel.default.ssl.enabled=true",
                "--spring.grpc.client.channel.default.ssl.bundle=" + NodeTls.BUNDLE));
        properties.addAll(tls(settings.internalTls() && !inProcess(), "--spring.grpc.client.channel.wal.ssl.enabled=true",
                "--spring.grpc.client.channel.wal.ssl.bundle=" + NodeTls.BUNDLE,
                "--spring.grpc.client.channel.store.ssl.enabled=true",
                "--spring.grpc.client.channel.store.ssl.bundle=" + NodeTls.BUNDLE));
        return properties;
    }

    /*
     * Addresses of the node's own gRPC contracts. In-process channels never leave the JVM, so they
     * carry no TLS; the TCP ports keep theirs.
     */

    private boolean inProcess() {
        return settings.internalTransport() == InternalTransport.IN_PROCESS;
    }

    private String walName() {
        return "stemedb-wal-" + settings.ports().wal();
    }

    private String replicationName() {
        return "stemedb-replication-" + settings.ports().rpc();
    }

    private String membershipName() {
        return "stemedb-membership-" + settings.ports().swim();
    }

    private String storeName() {
        return "stemedb-store-" + settings.ports().store();
    }

    private String storeTarget() {
        return inProcess() ? "in-process:" + storeName() : "static://127.0.0.1:" + settings.ports().store();
    }

    private String walTarget() {
        return inProcess() ? "in-process:" + walName() : "static://127.0.0.1:" + settings.ports().wal();
    }

    private String replicationTarget() {
        return inProcess() ? "in-process:" + replicationName() : "static://" + clientHost() + ":" + settings.ports().rpc();
    }

    private String membershipTarget() {
        return inProcess() ? "in-process:" + membershipName() : "static://127.0.0.1:" + settings.ports().swim();
    }

    /** Also serve the service's contract in-process under {@code name} (besides its TCP port). */
    private List<String> inProcessServer(String name) {
        return inProcess() ? List.of("--spring.grpc.server.inprocess.name=" + name) : List.of();
    }

    /** A channel to this node's replication-service (the api's, the gateway's): mutual TLS when internal TLS is on. */
    private List<String> replicationClientTls() {
        return tls(settings.internalTls() && !inProcess(), "--spring.grpc.client.channel.replication.ssl.enabled=true",
                "--spring.grpc.client.channel.replication.ssl.bundle=" + NodeTls.BUNDLE);
    }

    /** A channel to this node's membership-service (TCP at the SWIM port's number): mutual TLS when internal TLS is on. */
    private List<String> membershipClient() {
        List<String> properties = new ArrayList<>(List.of(
                "--spring.grpc.client.channel.membership.target=" + membershipTarget()));
        properties.addAll(tls(settings.internalTls() && !inProcess(), "--spring.grpc.client.channel.membership.ssl.enabled=true",
                "--spring.grpc.client.channel.membership.ssl.bundle=" + NodeTls.BUNDLE));
        return properties;
    }

    /** HTTPS on a public port with the node's certificate. */
    private List<String> publicHttps() {
        return tls(settings.publicTls(), "--server.ssl.bundle=" + NodeTls.BUNDLE);
    }

    /** A gRPC server that requires a client certificate signed by the node CA. */
    private List<String> internalGrpcServer() {
        return tls(settings.internalTls(), "--spring.grpc.server.ssl.bundle=" + NodeTls.BUNDLE,
                "--spring.grpc.server.ssl.client-auth=require");
    }

    /** The api's channels to the wal and the replication-service: TLS, presenting the node certificate, trusting only the node CA. */
    private List<String> internalGrpcClient() {
        return tls(settings.internalTls() && !inProcess(), "--spring.grpc.client.channel.wal.ssl.enabled=true",
                "--spring.grpc.client.channel.wal.ssl.bundle=" + NodeTls.BUNDLE,
                "--spring.grpc.client.channel.replication.ssl.enabled=true",
                "--spring.grpc.client.channel.replication.ssl.bundle=" + NodeTls.BUNDLE);
    }

    /** The gateway's HTTP client to an api port that speaks HTTPS: trusts the node CA. */
    private List<String> gatewayClientTrust() {
        return tls(settings.publicTls(), "--spring.http.clients.ssl.bundle=" + NodeTls.BUNDLE);
    }

    /** The node's SSL bundle and {@code uses} of it, when {@code on}; nothing otherwise. */
    private List<String> tls(boolean on, String... uses) {
        if (!on) {
            return List.of();
        }
        List<String> properties = new ArrayList<>(List.of(settings.tls().bundleProperties()));
        properties.addAll(List.of(uses));
        return properties;
    }

    private static String[] with(List<String> extra, String... properties) {
        List<String> all = new ArrayList<>(List.of(properties));
        for (String property : extra) {
            if (!all.contains(property)) {
                all.add(property);
            }
        }
        return all.toArray(String[]::new);
    }

    private String scheme() {
        return settings.publicTls() ? "https" : "http";
    }

    private ConfigurableApplicationContext startChild(Class<?> application, String configName, WebApplicationType type,
            String... properties) {
        List<String> args = new ArrayList<>(List.of(properties));
        args.add("--spring.config.name=" + configName);
        // Logging is one system for the whole JVM; a per-context application name in it would
        // label every line with whichever service started last.
        args.add("--logging.include-application-name=false");
        String excluded = USER_DETAILS + "," + GRPC_SECURITY
                + (application == GatewayServiceApplication.class ? "" : "," + GATEWAY_AUTO_CONFIGURATION);
        args.add("--spring.autoconfigure.exclude=" + excluded);
        if (settings.configDirectory() != null) {
            args.add("--spring.config.additional-location=optional:file:" + settings.configDirectory().toAbsolutePath() + "/");
        }
        log.info("starting {}", configName);
        return new SpringApplicationBuilder(application)
                .web(type)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run(args.toArray(String[]::new));
    }

    /**
     * Waits until the api-service has loaded the journal into its index and, in a replicated node,
     * knows the primary (and, being it, takes writes).
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitReady(Duration timeout) {
        WalTailer tailer = api.getBean(WalTailer.class);
        ReplicationClient replication = api.getBeanProvider(ReplicationClient.class).getIfAvailable();
        AssertionIndex index = api.getBean(AssertionIndex.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!tailer.isCaughtUp() || (replication != null && !knowsItsPrimary(replication.state(), index))) {
            if (tailer.failure() != null || System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /** A primary is known; when it is this node, it has applied its term's first entry (it takes writes). */
    private boolean knowsItsPrimary(CommitState state, AssertionIndex index) {
        if (state.primaryId().isEmpty()) {
            return false;
        }
        return !state.primaryId().equals(settings.nodeId())
                || (state.termStartIndex() > 0 && index.appliedIndex() >= state.termStartIndex());
    }

    /**
     * A running service's context by its config name ({@code api-service}, {@code gateway-service},
     * …), e.g. for a test to read the route table it serves.
     */
    public org.springframework.context.ApplicationContext service(String configName) {
        return children.stream()
                .filter(child -> configName.equals(child.getEnvironment().getProperty("spring.config.name")))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no running service " + configName));
    }

    public NodeSettings settings() {
        return settings;
    }

    /** Base URL of this node's api-service, e.g. {@code http://127.0.0.1:18180}. */
    public String apiUrl() {
        return scheme() + "://" + clientHost() + ":" + settings.ports().api();
    }

    /** Base URL of this node's gateway. */
    public String gatewayUrl() {
        return scheme() + "://" + clientHost() + ":" + settings.ports().gateway();
    }

    private String clientHost() {
        String bind = settings.bindAddress();
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    @Override
    public void close() {
        for (int i = children.size() - 1; i >= 0; i--) {
            try {
                children.get(i).close();
            } catch (RuntimeException e) {
                log.warn("closing a service failed", e);
            }
        }
        children.clear();
    }
}
