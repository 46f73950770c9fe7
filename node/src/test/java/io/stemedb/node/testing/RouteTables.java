package io.stemedb.node.testing;

import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

/** The endpoints a running service serves, read from its handler mappings (controllers and actuator). */
public final class RouteTables {

    private RouteTables() {}

    /** {@code METHOD pattern} for every request mapping a service's handler mappings hold (Spring's {@code /error} aside). */
    public static List<String> routes(ApplicationContext context) {
        List<String> routes = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                if (info.getPathPatternsCondition() == null) {
                    continue;
                }
                for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                    if (pattern.equals("/error")) {
                        continue; // Spring's error page: reached only by the container's error dispatch
                    }
                    var methods = info.getMethodsCondition().getMethods();
                    if (methods.isEmpty()) {
                        routes.add("GET " + pattern);
                    }
                    for (RequestMethod method : methods) {
                        routes.add(method.name() + " " + pattern);
                    }
                }
            }
        }
        return routes;
    }
}
