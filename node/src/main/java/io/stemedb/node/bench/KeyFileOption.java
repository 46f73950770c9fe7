package io.stemedb.node.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --key-file}: the API key the load generators send (a writer or admin key). */
public final class KeyFileOption {

    @Option(names = "--key-file", defaultValue = "./stemedb-data/admin.token",
            description = "File holding the API key to send (writer or admin). Default: ${DEFAULT-VALUE}")
    Path keyFile;

    /** The {@code Authorization} header value. */
    public String authorization() {
        try {
            return "Bearer " + Files.readString(keyFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key file " + keyFile + " (--key-file)", e);
        }
    }
}
