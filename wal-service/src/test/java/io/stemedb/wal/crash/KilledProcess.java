package io.stemedb.wal.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test's child JVM that prints one line per event and is killed with SIGKILL: starts it, waits
 * for its {@code READY} line, and after its death returns every line it printed.
 *
 * <p>Its output goes to a file, not a pipe: a pipe read by the parent can lose the last lines at
 * the child's death (the JDK drains and closes a dead process's pipe under a reader that is in
 * the middle of a read), and a lost {@code ACK} line made a correct journal look wrong. A write
 * into a file is in the page cache the moment {@code write(2)} returns, so a kill cannot take it.
 */
final class KilledProcess {

    private final Process process;
    private final Path output;

    private KilledProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code main} with the test's class path and the JVM flags Chronicle needs; stdout goes
     * to a fresh file next to {@code log}, stderr is appended to {@code log}.
     */
    static KilledProcess start(Class<?> main, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("stemedb.jvm.flags", "").trim();
        if (!flags.isEmpty()) {
            command.addAll(Arrays.asList(flags.split("\\s+")));
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(main.getName());
        command.addAll(Arrays.asList(args));
        Path output = Files.createTempFile(log.toAbsolutePath().getParent(), "stdout-", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new KilledProcess(process, output);
    }

    /** Waits for the {@code READY ...} line and returns it. */
    String awaitReady() throws InterruptedException, IOException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(60);
        boolean reported = false;
        while (true) {
            if (!reported && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(15)) {
                reportSlowStart();
                reported = true;
            }
            for (String line : completeLines()) {
                if (line.startsWith("READY")) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new AssertionError("child did not become ready (alive: " + process.isAlive() + ")");
            }
            Thread.sleep(20);
        }
    }

    /**
     * A child that is not ready after 15 s is stuck somewhere (seen once or twice under heavy CPU
     * load, while opening the journal): print its threads and the file locks held on this machine
     * to the test's stderr, so the next occurrence says where.
     */
    private void reportSlowStart() {
        System.err.println("child " + process.pid() + " not ready after 15 s; its threads and /proc/locks follow");
        try {
            Process dump = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
            if (dump.waitFor(20, TimeUnit.SECONDS)) {
                System.err.println(new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } else {
                dump.destroyForcibly();
            }
            System.err.println(Files.readString(Path.of("/proc/locks")));
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("could not report on the child: " + e);
        }
    }

    /**
     * The lines of {@code /proc/locks} on the files directly in {@code directory}, each with the
     * file's name, or why they could not be read.
     */
    static String locksOn(Path directory) {
        try (var files = Files.list(directory)) {
            java.util.Map<Long, String> namesByInode = new java.util.HashMap<>();
            for (Path file : (Iterable<Path>) files::iterator) {
                Object inode = Files.getAttribute(file, "unix:ino");
                namesByInode.put(((Number) inode).longValue(), file.getFileName().toString());
            }
            StringBuilder found = new StringBuilder();
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                // "1: POSIX  ADVISORY  WRITE 12345 08:01:1234567 0 EOF": the sixth field is major:minor:inode.
                String[] fields = line.trim().split("\\s+");
                int device = line.contains("->") ? 6 : 5;
                if (fields.length > device) {
                    String[] id = fields[device].split(":");
                    String name = namesByInode.get(Long.parseLong(id[id.length - 1]));
                    if (name != null) {
                        found.append(line).append("  (").append(name).append(")\n");
                    }
                }
            }
            return found.isEmpty() ? "(none)" : found.toString();
        } catch (IOException | RuntimeException e) {
            return "(could not read them: " + e + ")";
        }
    }

    /** SIGKILL, then every line it printed before it died. */
    List<String> kill() throws InterruptedException, IOException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("killed child did not exit");
        }
        return completeLines();
    }

    /** Waits for the process to end by itself; false if it is still running after {@code millis}. */
    boolean awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** The exit status, once it has ended. */
    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The lines printed so far, without a last one still being written. */
    private List<String> completeLines() throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }
}
