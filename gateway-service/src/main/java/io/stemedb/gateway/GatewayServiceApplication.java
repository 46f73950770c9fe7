package io.stemedb.gateway;

import io.stemedb.gateway.config.GatewayProperties;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The gateway-service: the cluster's HTTP entry on port 18181. */
@SpringBootApplication
@org.springframework.context.annotation.Import({io.stemedb.http.security.ApiSecurityConfiguration.class,
        io.stemedb.http.tomcat.JsonContainerErrors.class})
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayServiceApplication {

    public static final String CONFIG_NAME = "gateway-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(GatewayServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
