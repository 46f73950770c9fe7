package io.stemedb.node.launch;

import io.stemedb.wal.journal.SegmentCopy;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How node processes are started from the packaged jar when many start on one machine (a local
 * cluster, the tests): from the jar's extracted form with a class-data-sharing archive of the
 * classes a node loads, which takes about 40% of the CPU off every start (measured in
 * docs/benchmarks.md). On a small machine packed with nodes that CPU is what a restarting node waits
 * for.
 *
 * <p>The extracted form ({@code java -Djarmode=tools -jar stemedb.jar extract}: the application jar
 * and {@code lib/}) goes to {@code <jar's directory>/<jar's name>-launch/} and is made again when the
 * jar changes. The archive is made once per JDK by a training run: one node started on free loopback
 * ports with {@code -XX:ArchiveClassesAtExit}, stopped once healthy. The archive is an optimisation
 * only: if anything of this fails, nodes start from the jar as before (logged), and a JVM that finds
 * the archive unusable ignores it ({@code -Xshare:auto}, the default).
 */
public final class NodeLaunch {

    private static final Logger log = LoggerFactory.getLogger(NodeLaunch.class);
    private static final Duration TRAINING_START = Duration.ofSeconds(180);
    private static final Duration TRAINING_EXIT = Duration.ofSeconds(120);
    private static final Map<Path, NodeLaunch> PREPARED = new HashMap<>();
    /** In the extracted form: the size and modification time (ms) of the jar it came from (bin/stemedb reads it too). */
    private static final String STAMP = "source.stamp";

    private final Path java;
    private final Path jar;
    private final Path archive;

    private NodeLaunch(Path java, Path jar, Path archive) {
        this.java = java;
        this.jar = jar;
        this.archive = archive;
    }

    /** Starts from {@code jar} as it is, without an archive. */
    public static NodeLaunch plain(Path jar) {
        return new NodeLaunch(javaOfThisJvm(), jar, null);
    }

    /**
     * The fast launch for {@code jar} on this JVM's JDK, prepared the first time it is asked for
     * (extraction and training take about 20 s together, once); {@link #plain} when that fails.
     */
    public static synchronized NodeLaunch prepare(Path jar) {
        Path source = jar.toAbsolutePath().normalize();
        NodeLaunch known = PREPARED.get(source);
        if (known == null) {
            known = prepareAcrossProcesses(source);
            PREPARED.put(source, known);
        }
        return known;
    }

    /** The command up to and including {@code -jar <jar>}; the caller adds the node's arguments. */
    public List<String> command(String... jvmFlags) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        if (archive != null) {
            // The JDK's own archive was dumped without the module flags the jar's manifest adds;
            // newer JDKs report that as an error line on every start although the archive works.
            command.add("-Xlog:cds=off");
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of(jvmFlags));
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /** The class-data-sharing archive nodes start with, or null. */
    public Path archive() {
        return archive;
    }

    private static NodeLaunch prepareAcrossProcesses(Path source) {
        Path directory = source.resolveSibling(stem(source) + "-launch");
        Path lockFile = source.resolveSibling("." + stem(source) + "-launch.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            Path thin;
            String jarStamp = "";
            if (isSpringBootJar(source)) {
                thin = extracted(source, directory);
            } else {
                // Already the extracted form (a JVM started from it, as bin/stemedb does once it is
                // prepared), or another plain jar: then the archive is named by the jar too, since
                // a JVM silently ignores an archive of another jar.
                thin = source;
                directory = source.getParent();
                if (!Files.exists(directory.resolve(STAMP))) {
                    jarStamp = "-" + Integer.toHexString(stampOf(source).hashCode());
                }
            }
            // An archive fits one JDK build: named by it.
            Path archive = directory.resolve("classes-" + Runtime.version().toString().replaceAll("[^A-Za-z0-9.+_-]", "_")
                    + jarStamp + ".jsa");
            Path failed = archive.resolveSibling(archive.getFileName() + ".failed");
            if (!Files.exists(archive) && !Files.exists(failed) && !train(thin, archive)) {
                Files.writeString(failed, "training failed; delete this file to try again\n", StandardCharsets.UTF_8);
            }
            return new NodeLaunch(javaOfThisJvm(), thin, Files.exists(archive) ? archive : null);
        } catch (IOException | RuntimeException e) {
            log.warn("nodes start from {} without a class-data archive: {}", source, e.toString());
            return plain(source);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return plain(source);
        }
    }

    private static boolean isSpringBootJar(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry("BOOT-INF/") != null || zip.getEntry("BOOT-INF/classes/") != null;
        }
    }

    /** The extracted application jar, extracted again when {@code source} changed since. */
    private static Path extracted(Path source, Path directory) throws IOException, InterruptedException {
        String stamp = stampOf(source);
        Path stampFile = directory.resolve(STAMP);
        Path thin = directory.resolve(source.getFileName());
        if (Files.isRegularFile(thin) && Files.exists(stampFile)
                && stamp.equals(Files.readString(stampFile, StandardCharsets.UTF_8))) {
            return thin;
        }
        SegmentCopy.deleteRecursively(directory);
        Path staging = source.resolveSibling(stem(source) + "-launch.staging");
        SegmentCopy.deleteRecursively(staging);
        Process extract = new ProcessBuilder(javaOfThisJvm().toString(), "-Djarmode=tools", "-jar", source.toString(),
                "extract", "--destination", staging.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!extract.waitFor(120, TimeUnit.SECONDS) || extract.exitValue() != 0) {
            extract.destroyForcibly();
            throw new IOException("extracting " + source + " failed");
        }
        Files.writeString(staging.resolve(STAMP), stamp, StandardCharsets.UTF_8);
        Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
        return thin;
    }

    /** One node from {@code jar} on free loopback ports, stopped once healthy; true when it left an archive. */
    private static boolean train(Path jar, Path archive) throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("stemedb-class-data-training");
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        int[] tcp = freeTcpPorts(4);
        int swim = freeUdpPort();
        List<String> command = plain(jar).command("-Xlog:cds=off", "-XX:ArchiveClassesAtExit=" + partial, "-Xmx512m");
        command.addAll(List.of("run",
                "--node-id", "class-data-training", "--bind", "127.0.0.1", "--data-dir", data.resolve("node").toString(),
                "--api-port", Integer.toString(tcp[0]), "--gateway-port", Integer.toString(tcp[1]),
                "--rpc-port", Integer.toString(tcp[2]), "--wal-port", Integer.toString(tcp[3]),
                "--swim-port", Integer.toString(swim)));
        Path output = data.resolve("training.log");
        long started = System.nanoTime();
        Process node = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        try {
            if (!awaitHealthy(node, "http://127.0.0.1:" + tcp[1] + "/v1/health")) {
                log.warn("the class-data training node did not become healthy; its output: {}",
                        String.join("\n", ProcessLogs.lastLines(output, 20)));
                return false;
            }
            node.destroy(); // SIGTERM: the archive is written as the JVM exits
            if (!node.waitFor(TRAINING_EXIT.toSeconds(), TimeUnit.SECONDS) || !Files.isRegularFile(partial)
                    || Files.size(partial) == 0) {
                log.warn("the class-data training node left no archive; its output: {}",
                        String.join("\n", ProcessLogs.lastLines(output, 20)));
                return false;
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
            log.info("class-data archive {} made in {} s", archive,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
            return true;
        } finally {
            node.destroyForcibly();
            node.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(partial);
            SegmentCopy.deleteRecursively(data);
        }
    }

    private static boolean awaitHealthy(Process node, String healthUrl) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TRAINING_START.toNanos();
        while (node.isAlive() && System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(healthUrl))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static int[] freeTcpPorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** What identifies a build of the jar: its size and modification time (ms), as bin/stemedb compares it. */
    private static String stampOf(Path jar) throws IOException {
        return Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + "\n";
    }

    private static Path javaOfThisJvm() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static String stem(Path jar) {
        String name = jar.getFileName().toString();
        return name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    }
}
