package io.stemedb.wal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The wal-service on its own (docker-compose, Helm). In the embedded node it runs as a child
 * context of the node instead; {@code spring.config.name} keeps its configuration apart from the
 * other services' on a shared classpath.
 */
@SpringBootApplication
public class WalServiceApplication {

    public static final String CONFIG_NAME = "wal-service";

    public static void main(String[] args) {
        System.setProperty("chronicle.analytics.disable", "true");
        SpringApplication application = new SpringApplication(WalServiceApplication.class);
        application.setDefaultProperties(java.util.Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
