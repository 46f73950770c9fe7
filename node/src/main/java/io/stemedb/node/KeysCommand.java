package io.stemedb.node;

import io.stemedb.http.security.KeyDigest;
import io.stemedb.http.security.KeyEntry;
import io.stemedb.http.security.KeysFile;
import io.stemedb.http.security.Role;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemedb keys add}: a new API key, printed once; only its digest is stored. */
@Command(name = "keys", mixinStandardHelpOptions = true, subcommands = KeysCommand.Add.class,
        description = "Manage API keys (a node re-reads its keys file when it changes).")
public final class KeysCommand {

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Generate a key, append its digest to the keys file and print the key (it is not stored).")
    static final class Add implements Callable<Integer> {

        @Option(names = "--keys-file", defaultValue = "./stemedb-data/keys",
                description = "The keys file (the embedded node's is <data-dir>/keys). Default: ${DEFAULT-VALUE}")
        Path keysFile;

        @Option(names = "--name", required = true, description = "A name for the key (shown in logs and errors)")
        String name;

        @Option(names = "--roles", required = true, split = ",", description = "reader, writer and/or admin")
        List<String> roles;

        @Option(names = "--agent", description = "The agent id a writer key writes as ('*' for any agent)")
        String agent;

        @Override
        public Integer call() {
            EnumSet<Role> parsed = EnumSet.noneOf(Role.class);
            roles.forEach(role -> parsed.add(Role.parse(role)));
            String key = KeyDigest.generateKey();
            KeysFile.append(keysFile, new KeyEntry(name, parsed, agent, KeyDigest.sha256Hex(key)));
            System.out.println(key);
            System.err.println("added key '" + name + "' to " + keysFile.toAbsolutePath()
                    + "; the key above is shown once. Running nodes pick it up within stemedb.security.reload-interval (10s).");
            return 0;
        }
    }
}
