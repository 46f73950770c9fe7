package io.stemedb.node.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemedb certs}: a test CA and certificates signed by it, for tests and the local cluster. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Write a new CA (ca.crt) and certificates it signs (<name>.crt, <name>.key) as PEM files.")
public final class CertsCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Directory to write into")
    Path out;

    @Option(names = "--names", split = ",", defaultValue = "node1",
            description = "Certificates to issue (a node's id, or a client's name). Default: ${DEFAULT-VALUE}")
    List<String> names;

    @Option(names = "--hosts", split = ",", defaultValue = "localhost,127.0.0.1",
            description = "Host names and IP addresses every certificate is valid for. Default: ${DEFAULT-VALUE}")
    List<String> hosts;

    @Option(names = "--days", defaultValue = "365", description = "Validity in days. Default: ${DEFAULT-VALUE}")
    int days;

    @Override
    public Integer call() {
        Duration validity = Duration.ofDays(days);
        CertificateAuthority ca = CertificateAuthority.create("StemeDB test CA", validity);
        ca.writeCertificate(out);
        for (String name : names) {
            ca.issue(name, hosts, validity).write(out);
        }
        System.out.println("wrote ca.crt and " + String.join(", ", names) + " (.crt, .key) to " + out.toAbsolutePath());
        return 0;
    }
}
