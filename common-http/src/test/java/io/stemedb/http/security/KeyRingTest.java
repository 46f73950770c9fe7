package io.stemedb.http.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

    @TempDir
    Path dir;

    @Test
    void aChangedKeysFileAddsAndRevokesKeysAndABrokenOneChangesNothing() throws Exception {
        Path file = dir.resolve("keys");
        String first = KeyDigest.generateKey();
        String second = KeyDigest.generateKey();
        KeysFile.append(file, entry("first", first));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // Interval 0: no watcher thread; the test calls reloadIfChanged itself.
        try (KeyRing ring = new KeyRing(new SecurityProperties(file, null, true, Duration.ZERO), "test", registry)) {
            assertThat(ring.lookup(first)).isPresent();
            assertThat(ring.lookup(second)).isEmpty();

            ring.reloadIfChanged();
            assertThat(registry.get("stemedb.security.key.reloads").tag("result", "ok").counter().count())
                    .as("an unchanged file is not read again").isZero();

            Files.write(file, List.of(KeysFile.format(entry("second", second))));
            touch(file, 1);
            ring.reloadIfChanged();
            assertThat(ring.lookup(second)).as("added").isPresent();
            assertThat(ring.lookup(first)).as("revoked").isEmpty();
            assertThat(registry.get("stemedb.security.keys").gauge().value()).isEqualTo(1);

            Files.writeString(file, "this is not a keys file\n");
            touch(file, 2);
            ring.reloadIfChanged();
            assertThat(ring.lookup(second)).as("the keys in force stay").isPresent();
            assertThat(registry.get("stemedb.security.key.reloads").tag("result", "error").counter().count()).isEqualTo(1);
        }
    }

    private static KeyEntry entry(String name, String key) {
        return new KeyEntry(name, EnumSet.of(Role.READER), null, KeyDigest.sha256Hex(key));
    }

    /** A distinct modification time, whatever the file system's timestamp granularity. */
    private static void touch(Path file, int seconds) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(seconds)));
    }
}
