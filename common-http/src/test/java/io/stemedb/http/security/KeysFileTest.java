package io.stemedb.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysFileTest {

    @TempDir
    Path dir;

    @Test
    void keysAreStoredAsDigestsAndFoundByTheKey() throws Exception {
        Path file = dir.resolve("keys");
        String writerKey = KeyDigest.generateKey();
        String adminKey = KeyDigest.generateKey();
        KeysFile.append(file, new KeyEntry("pharma", EnumSet.of(Role.WRITER, Role.READER), "pharma-bot", KeyDigest.sha256Hex(writerKey)));
        KeysFile.append(file, new KeyEntry("ops", EnumSet.of(Role.ADMIN), null, KeyDigest.sha256Hex(adminKey)));

        String text = Files.readString(file);
        assertThat(text).doesNotContain(writerKey).doesNotContain(adminKey).contains("pharma reader,writer pharma-bot sha256:");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

        ApiKeys keys = ApiKeys.of(KeysFile.read(file));
        ApiPrincipal pharma = keys.lookup(writerKey).orElseThrow();
        assertThat(pharma.has(Role.WRITER)).isTrue();
        assertThat(pharma.has(Role.ADMIN)).isFalse();
        assertThat(pharma.mayActAs("pharma-bot")).isTrue();
        assertThat(pharma.mayActAs("other-bot")).isFalse();
        ApiPrincipal ops = keys.lookup(adminKey).orElseThrow();
        assertThat(ops.roles()).containsExactlyInAnyOrder(Role.READER, Role.WRITER, Role.ADMIN);
        assertThat(ops.mayActAs("anyone")).isTrue();
        assertThat(keys.lookup(writerKey + "x")).isEmpty();
        assertThat(keys.lookup("")).isEmpty();
        assertThat(keys.lookup(null)).isEmpty();
    }

    @Test
    void badLinesNameTheLineAndTheProblem() throws Exception {
        Path file = dir.resolve("keys");
        Files.write(file, List.of("# comment", "", "a reader - sha256:" + "0".repeat(64), "b wizard - sha256:" + "1".repeat(64)));
        assertThatThrownBy(() -> KeysFile.read(file)).hasMessageContaining("line 4").hasMessageContaining("unknown role 'wizard'");

        Files.write(file, List.of("w writer - sha256:" + "0".repeat(64)));
        assertThatThrownBy(() -> KeysFile.read(file)).hasMessageContaining("needs an agent id");

        Files.write(file, List.of("r reader - sha256:tooshort"));
        assertThatThrownBy(() -> KeysFile.read(file)).hasMessageContaining("64 lower-case hex");

        Files.write(file, List.of("r reader - sha256:" + "0".repeat(64), "r reader - sha256:" + "1".repeat(64)));
        assertThatThrownBy(() -> ApiKeys.of(KeysFile.read(file))).hasMessageContaining("two keys are named 'r'");
    }

    @Test
    void anyAgentKeysWriteForEveryone() {
        ApiPrincipal pipeline = new KeyEntry("ingest", EnumSet.of(Role.WRITER), "*", "a".repeat(64)).principal();
        assertThat(pipeline.mayActAs("x")).isTrue();
        ApiPrincipal reader = new KeyEntry("dash", EnumSet.of(Role.READER), null, "b".repeat(64)).principal();
        assertThat(reader.mayActAs("x")).isFalse();
    }
}
