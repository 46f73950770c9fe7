package io.stemedb.node.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A failed multi-process test's logs live in the temporary directory JUnit deletes; this keeps a
 * copy under {@code target/failed-runs/<test>-<millis>/} so the failure can be read afterwards.
 */
public final class FailedRunLogs {

    private FailedRunLogs() {}

    /** Copies every {@code *.log} directly under {@code base}; says where on stderr. */
    public static void keep(Path base, String test) {
        Path kept = Path.of("target", "failed-runs", test + "-" + System.currentTimeMillis());
        try (Stream<Path> files = Files.list(base)) {
            Files.createDirectories(kept);
            for (Path log : files.filter(file -> file.getFileName().toString().endsWith(".log")).toList()) {
                Files.copy(log, kept.resolve(log.getFileName()));
            }
            System.err.println(test + " failed; the logs are in " + kept.toAbsolutePath());
        } catch (IOException e) {
            System.err.println(test + " failed and its logs could not be kept: " + e);
        }
    }
}
