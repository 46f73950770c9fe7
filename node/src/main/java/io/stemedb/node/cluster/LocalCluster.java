package io.stemedb.node.cluster;

import io.stemedb.node.tls.CertificateAuthority;
import io.stemedb.node.tls.PemTrust;
import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.launch.NodeLaunch;
import io.stemedb.node.launch.ProcessLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * N full nodes on loopback, each its own process from the stemedb jar, with its own ports and data
 * directory ({@code <base>/node<i>}), every node seeded with the others' SWIM addresses. What
 * {@code stemedb cluster} runs, and what the tests start real clusters with.
 */
public final class LocalCluster implements AutoCloseable {

    /**
     * One node of the cluster: its id, the loopback address it binds, ports, data directory and log
     * file.
     */
    public record Member(String nodeId, String host, NodePorts ports, Path dataDirectory, Path log, boolean tls) {

        public String apiUrl() {
            return (tls ? "https" : "http") + "://" + host + ":" + ports.api();
        }

        public String gatewayUrl() {
            return (tls ? "https" : "http") + "://" + host + ":" + ports.gateway();
        }

        public String swimAddress() {
            return host + ":" + ports.swim();
        }

        public String rpcAddress() {
            return host + ":" + ports.rpc();
        }
    }

    private final NodeLaunch launch;
    private int replicationFactor;
    /** The members of the first configuration (the first ones planned); the rest join it later. */
    private int initialMembers;
    private final List<Member> members;
    private final Process[] processes;
    /** Whether each node's last process was ended by this class (kill, stop), not by itself. */
    private final boolean[] ended;
    private final Path tlsDirectory;
    private final HttpClient http;
    private volatile List<String> jvmFlags = List.of();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LocalCluster(Path jar, List<Member> members, Path tlsDirectory) {
        this.launch = NodeLaunch.prepare(jar);
        // W: a majority, as in the runbooks' shapes (3 nodes factor 2, 5 nodes factor 3).
        this.replicationFactor = members.size() / 2 + 1;
        this.initialMembers = members.size();
        this.members = List.copyOf(members);
        this.processes = new Process[members.size()];
        this.ended = new boolean[members.size()];
        this.tlsDirectory = tlsDirectory;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (tlsDirectory != null) {
            client.sslContext(PemTrust.trusting(tlsDirectory.resolve("ca.crt")));
        }
        this.http = client.build();
    }

    /** Plans (does not start) a cluster: node {@code i} (from 1) uses {@code ports.get(i - 1)}. */
    public static LocalCluster plan(Path jar, Path baseDirectory, List<NodePorts> ports) {
        return plan(jar, baseDirectory, ports, false);
    }

    /**
     * With {@code tls}, a test CA and one certificate per node are generated into
     * {@code <base>/tls} (kept if already there), and every node runs with HTTPS and internal mTLS.
     */
    public static LocalCluster plan(Path jar, Path baseDirectory, List<NodePorts> ports, boolean tls) {
        return plan(jar, baseDirectory, ports, tls, false);
    }

    /**
     * With {@code ownAddresses}, node {@code i} binds 127.0.0.{i + 1} (127.0.0.2, .3, …) instead of
     * 127.0.0.1, and the connections it opens to other members leave from that address: a firewall
     * rule between two addresses then cuts exactly the traffic between two nodes, the way a network
     * partition would, on one host.
     */
    public static LocalCluster plan(Path jar, Path baseDirectory, List<NodePorts> ports, boolean tls, boolean ownAddresses) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            String id = "node" + (i + 1);
            Path data = baseDirectory.resolve(id);
            String host = ownAddresses ? "127.0.0." + (i + 2) : "127.0.0.1";
            members.add(new Member(id, host, ports.get(i), data, baseDirectory.resolve(id + ".log"), tls));
        }
        Path tlsDirectory = null;
        if (tls) {
            tlsDirectory = baseDirectory.resolve("tls");
            if (!Files.exists(tlsDirectory.resolve("ca.crt"))) {
                CertificateAuthority ca = CertificateAuthority.create("StemeDB local cluster CA", Duration.ofDays(365));
                ca.writeCertificate(tlsDirectory);
                for (Member member : members) {
                    ca.issue(member.nodeId(), List.of("localhost", "127.0.0.1", member.host()), Duration.ofDays(365))
                            .write(tlsDirectory);
                }
            }
        }
        return new LocalCluster(jar, members, tlsDirectory);
    }

    /**
     * JVM flags every node starts with from now on, after the heap size: {@code -D} settings of
     * the services (tiny journal segments, say) that the {@code run} command has no option for.
     */
    public LocalCluster withJvmFlags(List<String> flags) {
        jvmFlags = List.copyOf(flags);
        return this;
    }

    /** The CA and node certificates when the cluster runs with TLS, else null. */
    public Path tlsDirectory() {
        return tlsDirectory;
    }

    public List<Member> members() {
        return members;
    }

    public Member member(int index) {
        return members.get(index);
    }

    /** Starts the members of the first configuration (every member unless {@link #withInitialMembers} said fewer). */
    public void startAll() {
        for (int i = 0; i < initialMembers; i++) {
            start(i);
        }
    }

    /**
     * Only the first {@code count} planned members form the cluster (and W is a majority of them);
     * each later one, when {@link #start started}, joins it: it knows the members before it and
     * itself, and starts with {@code --join} (a learner that asks to be added). The first ones
     * never hear of it but through gossip and its request, as a running cluster would not.
     */
    public LocalCluster withInitialMembers(int count) {
        if (count < 1 || count > members.size()) {
            throw new IllegalArgumentException("initial members must be 1 to " + members.size());
        }
        initialMembers = count;
        replicationFactor = count / 2 + 1;
        return this;
    }

    /**
     * One admin key for the whole cluster, as a real deployment mounts one keys file on every node:
     * a client's key must work on whichever node is primary (the gateway sends writes there).
     * Generated once into {@code <base>/admin.token} and given to each node as its first key.
     */
    private void shareAdminKey(Member member) {
        try {
            Path shared = member.dataDirectory().getParent().resolve("admin.token");
            if (!Files.exists(shared)) {
                Files.createDirectories(shared.getParent());
                Files.writeString(shared, io.stemedb.http.security.KeyDigest.generateKey() + "\n", StandardCharsets.UTF_8);
                ownerOnly(shared);
            }
            Path own = member.dataDirectory().resolve("admin.token");
            if (!Files.exists(own) && !Files.exists(member.dataDirectory().resolve("keys"))) {
                Files.createDirectories(member.dataDirectory());
                Files.copy(shared, own);
                ownerOnly(own);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + member.nodeId() + " the cluster's admin key", e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system: nothing to restrict
        }
    }

    /** The key every node of this cluster accepts as admin. */
    public String adminKey() {
        try {
            return Files.readString(members.get(0).dataDirectory().getParent().resolve("admin.token"), StandardCharsets.UTF_8)
                    .strip();
        } catch (IOException e) {
            throw new UncheckedIOException("the cluster has no admin key yet (start it first)", e);
        }
    }

    /** Starts node {@code index} (from 0), appending its output to its log file. */
    public void start(int index) {
        Member member = members.get(index);
        shareAdminKey(member);
        // A member of the first configuration knows the others of it; one that joins later knows
        // every member before it, and itself.
        List<Member> known = members.subList(0, Math.max(initialMembers, index + 1));
        boolean joins = index >= initialMembers;
        List<String> seeds = new ArrayList<>();
        for (Member other : known) {
            if (other != member) {
                seeds.add(other.swimAddress());
            }
        }
        NodePorts ports = member.ports();
        List<String> flags = new ArrayList<>(List.of("-Xmx512m"));
        flags.addAll(jvmFlags);
        List<String> command = new ArrayList<>(launch.command(flags.toArray(String[]::new)));
        command.addAll(List.of("run",
                "--node-id", member.nodeId(),
                "--bind", member.host(),
                "--data-dir", member.dataDirectory().toString(),
                "--api-port", Integer.toString(ports.api()),
                "--gateway-port", Integer.toString(ports.gateway()),
                "--rpc-port", Integer.toString(ports.rpc()),
                "--swim-port", Integer.toString(ports.swim()),
                "--wal-port", Integer.toString(ports.wal()),
                "--store-port", Integer.toString(ports.store()),
                "--seeds", String.join(",", seeds),
                "--replication-factor", Integer.toString(replicationFactor)));
        for (Member each : known) {
            command.addAll(List.of("--member", each.nodeId() + "=" + each.rpcAddress() + "/" + each.host() + ":"
                    + each.ports().api()));
        }
        if (joins) {
            command.add("--join");
        }
        if (tlsDirectory != null) {
            command.addAll(List.of("--tls-dir", tlsDirectory.toString()));
        }
        try {
            Files.createDirectories(member.log().getParent());
            ended[index] = false;
            processes[index] = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(member.log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + member.nodeId(), e);
        }
    }

    /**
     * Waits until every running node answers {@code /v1/health} with 200 on its api port and on its
     * gateway port (the gateway starts last); false on timeout.
     *
     * @throws IllegalStateException when a node this cluster started has exited without being
     *                               killed or stopped (it failed to start, or crashed)
     */
    public boolean awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < members.size(); i++) {
            while (isRunning(i) && !healthy(members.get(i))) {
                failIfExitedUnasked(i);
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(200);
            }
            failIfExitedUnasked(i);
        }
        return true;
    }

    private void failIfExitedUnasked(int index) {
        Process process = processes[index];
        if (process != null && !process.isAlive() && !ended[index]) {
            throw new IllegalStateException(members.get(index).nodeId() + " exited by itself with code "
                    + process.exitValue() + "; its log: " + members.get(index).log());
        }
    }

    /**
     * How node {@code observer} (from 0) lists {@code memberId} on its admin members endpoint (with
     * the admin key the node generated): the member's JSON object, or null when it is not listed
     * or the node does not answer.
     */
    public JsonNode memberSeenBy(int observer, String memberId) {
        Member node = members.get(observer);
        try {
            String key = Files.readString(node.dataDirectory().resolve("admin.token"), StandardCharsets.UTF_8).strip();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(node.apiUrl() + "/v1/admin/cluster/members"))
                    .timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + key).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            for (JsonNode each : JSON.readTree(response.body()).path("members")) {
                if (memberId.equals(each.path("id").asString(null))) {
                    return each;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The status ({@code UP}, {@code SUSPECT}, {@code DOWN}) node {@code observer} lists for a member, or {@code absent}. */
    public String statusSeenBy(int observer, String memberId) {
        JsonNode member = memberSeenBy(observer, memberId);
        return member == null ? "absent" : member.path("status").asString("absent");
    }

    /**
     * Why the running nodes are or are not healthy, for a failure message: each running node's
     * {@code /v1/health} answer on its api port (status and body, shortened), whether its gateway
     * answers, and the last lines of its log.
     */
    public String healthReport() {
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            report.append('\n').append(member.nodeId()).append(": ");
            if (!isRunning(i)) {
                report.append("not running");
                continue;
            }
            report.append("api ").append(healthAnswer(member.apiUrl()))
                    .append("; gateway ").append(healthAnswer(member.gatewayUrl()))
                    .append("; last lines of ").append(member.log()).append(":");
            for (String line : ProcessLogs.lastLines(member.log(), 8)) {
                report.append("\n    ").append(line.length() > 300 ? line.substring(0, 300) + "..." : line);
            }
        }
        return report.toString();
    }

    private String healthAnswer(String baseUrl) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return response.statusCode() + " " + (body.length() > 400 ? body.substring(0, 400) + "..." : body);
        } catch (IOException e) {
            return "does not answer (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private boolean healthy(Member member) {
        return answersHealth(member.apiUrl()) && answersHealth(member.gatewayUrl());
    }

    private boolean answersHealth(String baseUrl) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isRunning(int index) {
        return processes[index] != null && processes[index].isAlive();
    }

    /** SIGKILL. */
    public void kill(int index) throws InterruptedException {
        end(index, true);
    }

    /** SIGSTOP: the node's process stops where it is, its sockets open, until {@link #resume}. */
    public void pause(int index) {
        signal(index, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume(int index) {
        signal(index, "CONT");
    }

    private void signal(int index, String signal) {
        Process process = processes[index];
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(members.get(index).nodeId() + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + members.get(index).nodeId(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + members.get(index).nodeId(), e);
        }
    }

    /** SIGTERM: the node leaves the cluster and shuts down in order. */
    public void stop(int index) throws InterruptedException {
        end(index, false);
    }

    private void end(int index, boolean force) throws InterruptedException {
        Process process = processes[index];
        if (process == null || !process.isAlive()) {
            return;
        }
        ended[index] = true;
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    public void stopAll() throws InterruptedException {
        for (int i = 0; i < members.size(); i++) {
            stop(i);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < members.size(); i++) {
            kill(i);
        }
    }
}
