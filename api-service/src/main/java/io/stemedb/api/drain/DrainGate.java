package io.stemedb.api.drain;

import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses client requests (every {@code /v1/**} endpoint but health and the admin ones) with 503
 * {@code draining} and a {@code Retry-After} while the node is drained, so a client or proxy that
 * still reaches it retries on another node. Runs after the security chain: a request without a
 * valid key still gets 401.
 */
public class DrainGate implements HandlerInterceptor, WebMvcConfigurer {

    private final NodeDrain drain;

    public DrainGate(NodeDrain drain) {
        this.drain = drain;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (drain.isDraining()) {
            drain.refused();
            throw new UnavailableException(UnavailableReason.DRAINING,
                    "this node is drained by an operator and takes no client requests; send them to another node", 1);
        }
        return true;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/v1/**").excludePathPatterns("/v1/health", "/v1/admin/**");
    }
}
