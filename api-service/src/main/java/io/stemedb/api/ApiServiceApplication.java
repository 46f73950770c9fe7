package io.stemedb.api;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The api-service on its own (docker-compose, Helm). In the embedded node it runs as a child
 * context of the node instead; {@code spring.config.name} keeps its configuration apart from the
 * other services' on a shared classpath.
 */
@SpringBootApplication
@org.springframework.context.annotation.Import({io.stemedb.http.security.ApiSecurityConfiguration.class,
        io.stemedb.http.tomcat.JsonContainerErrors.class})
public class ApiServiceApplication {

    public static final String CONFIG_NAME = "api-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(ApiServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
