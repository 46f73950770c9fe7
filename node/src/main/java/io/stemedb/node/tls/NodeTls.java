package io.stemedb.node.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a node's PEM files are and which connections use them.
 *
 * @param certificate  the node's certificate chain (PEM), for its public ports, its gRPC servers
 *                     and as its gRPC client certificate
 * @param privateKey   its private key (PEM, PKCS#8, unencrypted)
 * @param ca           the CA that signs every node's certificate: what gRPC peers and the
 *                     gateway's client to the api trust
 * @param publicPorts  HTTPS on the api and gateway ports
 * @param internal     mutual TLS on the internal gRPC (api → wal, and between nodes)
 */
public record NodeTls(Path certificate, Path privateKey, Path ca, boolean publicPorts, boolean internal) {

    /** {@code <dir>/ca.crt}, {@code <dir>/<name>.crt}, {@code <dir>/<name>.key}, as {@code stemedb certs} writes them. */
    public static NodeTls fromDirectory(Path directory, String name, boolean publicPorts, boolean internal) {
        NodeTls tls = new NodeTls(directory.resolve(name + ".crt"), directory.resolve(name + ".key"), directory.resolve("ca.crt"),
                publicPorts, internal);
        for (Path file : new Path[] {tls.certificate, tls.privateKey, tls.ca}) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("TLS file " + file + " is missing or unreadable (stemedb certs writes them)");
            }
        }
        return tls;
    }

    static String location(Path file) {
        return "file:" + file.toAbsolutePath();
    }

    /** The Spring SSL bundle holding this node's certificate and key and trusting the CA. */
    public static final String BUNDLE = "stemedb-node";

    /** Properties defining {@link #BUNDLE}. */
    public String[] bundleProperties() {
        String prefix = "--spring.ssl.bundle.pem." + BUNDLE + ".";
        return new String[] {
                prefix + "keystore.certificate=" + location(certificate),
                prefix + "keystore.private-key=" + location(privateKey),
                prefix + "truststore.certificate=" + location(ca)};
    }
}
