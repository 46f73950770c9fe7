package io.stemedb.membership;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The membership-service: SWIM gossip on UDP port 18183, and its {@code Membership} gRPC contract
 * (the members, watched; remove; restart gossip; what this node announces) on TCP at the same
 * port number, for the other services of its node.
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
