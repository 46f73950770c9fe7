package io.stemedb.http.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The keys file ({@code stemedb.security.keys-file}): one key a line, digests only, so the file
 * can be read by the node without holding any secret:
 *
 * <pre>
 * # name    roles           agent        sha256 of the key
 * ops       admin           -            sha256:3f2a…
 * pharma    writer,reader   pharma-bot   sha256:9a1b…
 * </pre>
 *
 * {@code stemedb keys add} generates a key, prints it once and appends its line.
 */
public final class KeysFile {

    private static final String DIGEST_PREFIX = "sha256:";

    private KeysFile() {}

    public static List<KeyEntry> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the keys file " + file, e);
        }
        List<KeyEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                entries.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return entries;
    }

    static KeyEntry parse(String line) {
        String[] fields = line.split("\\s+");
        if (fields.length != 4 || !fields[3].startsWith(DIGEST_PREFIX)) {
            throw new IllegalArgumentException("expected 'name roles agent sha256:<hex>'");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(fields[1].split(",")).map(Role::parse).forEach(roles::add);
        return new KeyEntry(fields[0], roles, fields[2], fields[3].substring(DIGEST_PREFIX.length()));
    }

    public static String format(KeyEntry entry) {
        String roles = String.join(",", entry.roles().stream().sorted().map(Role::configName).toList());
        return entry.name() + " " + roles + " " + (entry.agent() == null ? "-" : entry.agent()) + " " + DIGEST_PREFIX
                + entry.sha256();
    }

    /** Appends a key's line, creating the file (owner read/write only) if needed. */
    public static void append(Path file, KeyEntry entry) {
        try {
            if (!Files.exists(file)) {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException notPosix) {
                    Files.createFile(file);
                }
                Files.writeString(file, "# name roles agent sha256-of-key   (see docs/security.md)\n", StandardCharsets.UTF_8);
            }
            Files.writeString(file, format(entry) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the keys file " + file, e);
        }
    }
}
