package io.stemedb.node.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.stemedb.node.testing.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's fast launch: extracted next to the jar, with a class-data archive that this
 * JDK maps ({@code -Xshare:on} refuses to start on an archive it cannot use, where the default
 * {@code auto} would quietly run without it).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodeLaunchIT {

    @TempDir
    Path scratch;

    @Test
    void thePackagedJarStartsFromItsExtractedFormWithAnArchiveThisJdkMaps() throws Exception {
        NodeLaunch launch = NodeLaunch.prepare(NodeProcess.jar());
        assertThat(launch.archive()).as("the class-data archive").isNotNull().isRegularFile();
        assertThat(NodeLaunch.prepare(NodeProcess.jar())).as("prepared once per jar").isSameAs(launch);
        List<String> command = launch.command();
        Path jar = Path.of(command.get(command.size() - 1));
        assertThat(jar.getParent().getFileName().toString()).isEqualTo("stemedb-launch");

        List<String> strict = new ArrayList<>(launch.command("-Xshare:on", "-Xlog:cds=error"));
        strict.add("--version");
        Path output = scratch.resolve("version.log");
        Process version = new ProcessBuilder(strict).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).as(Files.readString(output, StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void aJarThatCannotBePreparedStartsAsItIs() {
        Path notAJar = scratch.resolve("stemedb.jar");
        NodeLaunch launch = NodeLaunch.prepare(notAJar);
        assertThat(launch.archive()).isNull();
        assertThat(launch.command()).endsWith("-jar", notAJar.toAbsolutePath().normalize().toString());
    }
}
