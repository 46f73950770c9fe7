package io.stemedb.node.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.NodeProcess;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's procedure, with the scripts it names: {@code stemedb-wal-verify} finds a damaged
 * entry and its offset, {@code stemedb-wal-repair} writes a copy cut there, and verify accepts it.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WalToolScriptsIT {

    @TempDir
    Path wal;

    @Test
    void verifyFindsDamageAndRepairCutsIt() throws Exception {
        try (ChronicleJournal journal = ChronicleJournal.open(wal, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            for (int index = 1; index <= 100; index++) {
                journal.write(new EntryToWrite(1, 1, ("record-" + index).getBytes(StandardCharsets.UTF_8)));
            }
            journal.force();
        }
        Path segment;
        try (Stream<Path> files = Files.list(wal)) {
            segment = files.filter(file -> file.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        Result intact = run("stemedb-wal-verify", "--file", wal.toString());
        assertThat(intact.exitCode).as(intact.output).isZero();
        assertThat(intact.output).contains("OK").contains("100 entries (indexes 1..100)");

        flipBitOf(segment, "record-77");
        Result damaged = run("stemedb-wal-verify", "--file", segment.toString());
        assertThat(damaged.exitCode).as(damaged.output).isEqualTo(1);
        assertThat(damaged.output).contains("BAD").contains("after index 76");
        Matcher offset = Pattern.compile("first bad offset (\\d+)").matcher(damaged.output);
        assertThat(offset.find()).as(damaged.output).isTrue();

        Path corrupted = wal.resolve(segment.getFileName() + ".corrupted");
        Files.move(segment, corrupted);
        Result repaired = run("stemedb-wal-repair", "--segment", corrupted.toString(), "--output", segment.toString(),
                "--truncate-at", offset.group(1));
        assertThat(repaired.exitCode).as(repaired.output).isZero();
        assertThat(repaired.output).contains("76 entries (indexes 1..76)");

        Result after = run("stemedb-wal-verify", "--file", segment.toString());
        assertThat(after.exitCode).as(after.output).isZero();
        Result usage = run("stemedb-wal-verify", "--file", wal.resolve("missing").toString());
        assertThat(usage.exitCode).isEqualTo(2);
    }

    private static void flipBitOf(Path segment, String marker) throws IOException {
        byte[] content = Files.readAllBytes(segment);
        int at = new String(content, StandardCharsets.ISO_8859_1).indexOf(marker);
        assertThat(at).isPositive();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) (content[at + 3] ^ 1)}), at + 3);
        }
    }

    private record Result(int exitCode, String output) {}

    private static Result run(String script, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("stemedb.bin"), script).toString());
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("wal-tool", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("STEMEDB_JAR", NodeProcess.jar().toString());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish in 2 minutes");
            }
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
