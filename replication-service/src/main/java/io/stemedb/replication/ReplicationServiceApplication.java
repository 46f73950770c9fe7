package io.stemedb.replication;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The replication-service: cluster RPC (gRPC) on port 18182. Today it only serves the standard gRPC
 * health service, so that the port, the process and its probes exist; log shipping and Merkle
 * anti-entropy arrive with the cluster work.
 */
@SpringBootApplication
public class ReplicationServiceApplication {

    public static final String CONFIG_NAME = "replication-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(ReplicationServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
