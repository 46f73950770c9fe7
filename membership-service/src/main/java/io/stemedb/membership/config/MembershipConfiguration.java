package io.stemedb.membership.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.common.cluster.ClusterViewHolder;
import io.stemedb.membership.service.SwimService;
import io.stemedb.membership.view.SwimClusterView;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MembershipProperties.class)
public class MembershipConfiguration {

    /** Starts SWIM and, inside an embedded node, publishes the view and controls to the other services. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "stemedb.membership.enabled", matchIfMissing = true)
    SwimService swimService(MembershipProperties properties, MeterRegistry registry,
            ObjectProvider<ClusterViewHolder> sharedView) {
        SwimService service = new SwimService(properties, registry);
        sharedView.ifAvailable(holder -> holder.publish(new SwimClusterView(service), service));
        return service;
    }
}
