package io.stemedb.node.cluster;

import io.stemedb.http.security.KeyDigest;
import io.stemedb.http.security.KeyEntry;
import io.stemedb.http.security.KeysFile;
import io.stemedb.http.security.Role;
import io.stemedb.node.embedded.NodePorts;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member of a {@link LocalCluster} run the way a split deployment runs it: its five services
 * as five processes from their own jars ({@code <module>/target/stemedb-<module>-*-exec.jar}),
 * each given on its command line the addresses of the others, with no parent context to share.
 * The same properties the embedded node passes its services, written out per process.
 */
final class SplitNode implements AutoCloseable {

    private static final List<String> ORDER = List.of("wal-service", "api-service", "replication-service",
            "membership-service", "gateway-service");

    private final List<Process> processes = new ArrayList<>();

    private SplitNode() {}

    /** Starts member {@code index} of {@code cluster} as five processes; its logs go next to the embedded nodes'. */
    static SplitNode start(LocalCluster cluster, int index, Path modules) throws IOException {
        LocalCluster.Member member = cluster.member(index);
        NodePorts ports = member.ports();
        Path data = member.dataDirectory();
        Files.createDirectories(data);
        Path keys = data.resolve("keys");
        if (!Files.exists(keys)) {
            KeysFile.append(keys, new KeyEntry("admin", EnumSet.of(Role.ADMIN), null, KeyDigest.sha256Hex(cluster.adminKey())));
        }
        String host = member.host();
        String wal = "static://127.0.0.1:" + ports.wal();
        String replication = "static://" + host + ":" + ports.rpc();
        String membership = "static://127.0.0.1:" + ports.swim();
        List<String> seeds = new ArrayList<>();
        List<String> replicationMembers = new ArrayList<>();
        for (LocalCluster.Member each : cluster.members()) {
            if (each != member) {
                seeds.add(each.swimAddress());
            }
            replicationMembers.add("--stemedb.replication.members." + each.nodeId() + ".rpc=" + each.rpcAddress());
            replicationMembers.add("--stemedb.replication.members." + each.nodeId() + ".api=" + each.host() + ":"
                    + each.ports().api());
        }
        SplitNode node = new SplitNode();
        try {
            node.launch(modules, "wal-service", member, List.of(
                    "--server.port=0",
                    "--spring.grpc.server.address=127.0.0.1",
                    "--spring.grpc.server.port=" + ports.wal(),
                    "--stemedb.wal.dir=" + data.resolve("wal").toAbsolutePath()));
            node.launch(modules, "api-service", member, List.of(
                    "--server.address=" + host,
                    "--server.port=" + ports.api(),
                    "--spring.grpc.server.address=127.0.0.1",
                    "--spring.grpc.server.port=" + ports.store(),
                    "--stemedb.security.keys-file=" + keys.toAbsolutePath(),
                    "--stemedb.api.snapshot.dir=" + data.resolve("index").toAbsolutePath(),
                    "--stemedb.api.node-id=" + member.nodeId(),
                    "--spring.grpc.client.channel.wal.target=" + wal,
                    "--spring.grpc.client.channel.replication.target=" + replication,
                    "--spring.grpc.client.channel.membership.target=" + membership));
            List<String> consensus = new ArrayList<>(List.of(
                    "--server.port=0",
                    "--spring.grpc.server.address=" + host,
                    "--spring.grpc.server.port=" + ports.rpc(),
                    "--spring.grpc.client.channel.wal.target=" + wal,
                    "--spring.grpc.client.channel.store.target=static://127.0.0.1:" + ports.store(),
                    "--spring.grpc.client.channel.membership.target=" + membership,
                    "--stemedb.replication.node-id=" + member.nodeId(),
                    "--stemedb.replication.factor=" + (cluster.members().size() / 2 + 1)));
            consensus.addAll(replicationMembers);
            node.launch(modules, "replication-service", member, consensus);
            node.launch(modules, "membership-service", member, List.of(
                    "--server.port=0",
                    "--spring.grpc.server.address=127.0.0.1",
                    "--spring.grpc.server.port=" + ports.swim(),
                    "--stemedb.membership.node-id=" + member.nodeId(),
                    "--stemedb.membership.swim.bind-address=" + host,
                    "--stemedb.membership.swim.port=" + ports.swim(),
                    "--stemedb.membership.seeds=" + String.join(",", seeds),
                    "--stemedb.membership.metadata.api=" + host + ":" + ports.api(),
                    "--stemedb.membership.metadata.gateway=" + host + ":" + ports.gateway(),
                    "--stemedb.membership.metadata.rpc=" + host + ":" + ports.rpc()));
            node.launch(modules, "gateway-service", member, List.of(
                    "--server.address=" + host,
                    "--server.port=" + ports.gateway(),
                    "--spring.grpc.server.enabled=false",
                    "--stemedb.security.keys-file=" + keys.toAbsolutePath(),
                    "--spring.grpc.client.channel.replication.target=" + replication,
                    "--spring.grpc.client.channel.membership.target=" + membership,
                    "--stemedb.gateway.api-uri=http://" + host + ":" + ports.api()));
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void launch(Path modules, String service, LocalCluster.Member member, List<String> properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", execJar(modules, service).toString()));
        command.addAll(properties);
        Path log = member.log().resolveSibling(member.nodeId() + "-" + service + ".log");
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    }

    /** The service's own runnable jar, from the module built beside the node. */
    static Path execJar(Path modules, String service) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(modules.resolve(service).resolve("target"),
                "stemedb-" + service + "-*-exec.jar")) {
            for (Path jar : jars) {
                return jar;
            }
        }
        throw new IllegalStateException("no exec jar of " + service + " under " + modules + "; build with mvn package");
    }

    /** Every process still running, in start order. */
    boolean allRunning() {
        return processes.size() == ORDER.size() && processes.stream().allMatch(Process::isAlive);
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroyForcibly();
        }
        for (Process process : processes) {
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
