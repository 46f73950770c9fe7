package io.stemedb.gateway.breaker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Retries a GET once when the downstream could not be reached at all (the request never got
 * there, so repeating it is safe), within a budget: retries may add at most 10% to the reads of
 * the last 10 seconds (plus 5), so that a struggling downstream is not hit with a retry storm.
 * Writes are never retried here (a timed-out write may have been stored; the client decides), and
 * neither are reads with a body.
 */
public final class ReadRetries implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final Counter retried;
    private final Counter budgetExhausted;

    public ReadRetries(MeterRegistry registry) {
        this.retried = Counter.builder("stemedb.gateway.read.retries")
                .description("GETs retried after the downstream could not be reached").register(registry);
        this.budgetExhausted = Counter.builder("stemedb.gateway.read.retries.refused")
                .description("GET retries not made because the retry budget was spent").register(registry);
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        if (!request.method().name().equals("GET")) {
            return next.handle(request);
        }
        rollWindow();
        reads.incrementAndGet();
        try {
            return next.handle(request);
        } catch (Exception e) {
            if (!unreachable(e)) {
                throw e;
            }
            if (retries.incrementAndGet() > reads.get() / 10 + 5) {
                retries.decrementAndGet();
                budgetExhausted.increment();
                throw e;
            }
            retried.increment();
            return next.handle(request);
        }
    }

    private void rollWindow() {
        long started = windowStart.get();
        long now = System.nanoTime();
        if (now - started > WINDOW_NANOS && windowStart.compareAndSet(started, now)) {
            reads.set(0);
            retries.set(0);
        }
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }
}
