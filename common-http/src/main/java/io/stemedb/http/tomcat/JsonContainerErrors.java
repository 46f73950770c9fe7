package io.stemedb.http.tomcat;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Installs {@link JsonErrorReportValve} as the embedded Tomcat's error report (api-service, gateway). */
@Configuration(proxyBeanMethods = false)
public class JsonContainerErrors {

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> jsonErrorReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
            }
        });
    }
}
