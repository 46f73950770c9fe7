package io.stemedb.node.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a node process's log, for a message that says why it did not come up. */
public final class ProcessLogs {

    private ProcessLogs() {}

    /** The last {@code count} lines of {@code log}, or one line saying why it cannot be read. */
    public static List<String> lastLines(Path log, int count) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read it: " + e + ")");
        }
    }
}
