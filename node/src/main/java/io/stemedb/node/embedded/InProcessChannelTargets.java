package io.stemedb.node.embedded;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.grpc.client.autoconfigure.GrpcChannelFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.grpc.client.InProcessGrpcChannelFactory;

/**
 * Lets a service's named channel ({@code channels.createChannel("wal")}) have an in-process
 * address ({@code spring.grpc.client.channel.wal.target=in-process:<name>}), as
 * {@link InternalTransport#IN_PROCESS} wires them. Spring Boot resolves channel names to their
 * configured targets for its Netty channel factory only; its in-process one takes the name
 * itself as the target. Loaded into every service context of the embedded node (the node jar's
 * auto-configuration), so the services' own code names channels the same way in either shape.
 */
@AutoConfiguration
@ConditionalOnClass(InProcessGrpcChannelFactory.class)
public class InProcessChannelTargets {

    static final String PREFIX = "in-process:";

    @Bean
    GrpcChannelFactoryCustomizer inProcessChannelTargets(Environment environment) {
        return factory -> {
            if (factory instanceof InProcessGrpcChannelFactory inProcess) {
                inProcess.setVirtualTargets(name -> name.startsWith(PREFIX) ? name
                        : environment.getProperty("spring.grpc.client.channel." + name + ".target", name));
            }
        };
    }
}
