package io.stemedb.membership;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The membership-service: SWIM gossip on UDP port 18183. Today it starts and reports health only;
 * the SWIM state machine, its UDP transport and elections arrive with the cluster work.
 */
@SpringBootApplication
public class MembershipServiceApplication {

    public static final String CONFIG_NAME = "membership-service";

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(MembershipServiceApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", CONFIG_NAME));
        application.run(args);
    }
}
