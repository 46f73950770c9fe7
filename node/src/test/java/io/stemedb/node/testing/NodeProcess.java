package io.stemedb.node.testing;

import io.stemedb.node.embedded.NodePorts;
import io.stemedb.node.launch.NodeLaunch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node running as its own process from the packaged {@code stemedb.jar}, as an operator runs it.
 * {@link #kill()} is SIGKILL: no shutdown hook, no flush, no goodbye.
 */
public final class NodeProcess implements AutoCloseable {

    private final Process process;
    private final NodePorts ports;

    private NodeProcess(Process process, NodePorts ports) {
        this.process = process;
        this.ports = ports;
    }

    /** The jar failsafe points at (system property {@code stemedb.jar}). */
    public static Path jar() {
        String jar = System.getProperty("stemedb.jar");
        if (jar == null) {
            throw new IllegalStateException("system property stemedb.jar is not set; run this test with 'mvn verify'");
        }
        return Path.of(jar);
    }

    public static NodeProcess start(Path dataDirectory, NodePorts ports, Path log) throws IOException {
        TestKeys.provision(dataDirectory);
        List<String> command = new ArrayList<>(NodeLaunch.prepare(jar()).command("-Xmx512m"));
        command.addAll(List.of("run",
                "--node-id", "it-node",
                "--data-dir", dataDirectory.toString(),
                "--api-port", Integer.toString(ports.api()),
                "--gateway-port", Integer.toString(ports.gateway()),
                "--rpc-port", Integer.toString(ports.rpc()),
                "--swim-port", Integer.toString(ports.swim()),
                "--wal-port", Integer.toString(ports.wal())));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new NodeProcess(process, ports);
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + ports.api();
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + ports.gateway();
    }

    public void awaitHealthy(TestHttp http, Duration timeout) throws InterruptedException {
        TestHttp.await("node healthy on " + apiUrl(), timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("node process exited with " + process.exitValue());
            }
            return http.answersOk(apiUrl() + "/v1/health") && http.answersOk(gatewayUrl() + "/v1/health");
        });
    }

    /** SIGKILL, then wait for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("node process survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM: the node's shutdown hook closes the services in order; waits for the exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("node process did not stop within 60 s of SIGTERM");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
