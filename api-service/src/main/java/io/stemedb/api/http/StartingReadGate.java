package io.stemedb.api.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.error.UnavailableException;
import io.stemedb.api.error.UnavailableReason;
import io.stemedb.api.index.WalTailer;
import io.stemedb.api.query.ReadsRefused;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Reads answer 503 {@code starting} until the index has caught up with the journal, as writes do:
 * after a restart the api port opens once the newest snapshot is loaded, and the journal's tail
 * after it (everything since that snapshot, after a kill -9) is applied from then on; a node must
 * not answer a query, a lookup, an export or a watch from that half-built index as if it were whole.
 * Health, metrics and the cluster endpoints stay open, so operators can see why.
 */
@Component
public class StartingReadGate implements HandlerInterceptor, WebMvcConfigurer {

    /** The endpoints that read the index. */
    static final List<String> READ_PATHS = List.of("/v1/query", "/v1/assertions/**", "/v1/watch", "/v1/epochs",
            "/v1/admin/export-assertions");

    private final BooleanSupplier caughtUp;
    private final Counter refused;

    @Autowired
    public StartingReadGate(WalTailer tailer, MeterRegistry registry) {
        this(tailer::isCaughtUp, registry);
    }

    StartingReadGate(BooleanSupplier caughtUp, MeterRegistry registry) {
        this.caughtUp = caughtUp;
        this.refused = ReadsRefused.counter(registry, UnavailableReason.STARTING);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!caughtUp.getAsBoolean()) {
            refused.increment();
            throw new UnavailableException(UnavailableReason.STARTING,
                    "the node is loading its index from its snapshot and journal; retry shortly", 1);
        }
        return true;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns(READ_PATHS);
    }
}
