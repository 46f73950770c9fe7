package io.stemedb.http.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys in force, re-read when the keys file changes, so keys are added and revoked without
 * a restart (a Kubernetes secret update lands in the mounted file within a minute). A file that
 * does not parse is refused as a whole: the keys in force stay, the error is logged and counted in
 * {@code stemedb_security_key_reloads_total{result="error"}}.
 */
public final class KeyRing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KeyRing.class);

    private final SecurityProperties properties;
    private final AtomicReference<ApiKeys> current;
    private final Counter reloaded;
    private final Counter failed;
    private volatile FileTime loadedModified;
    private final ScheduledExecutorService watcher;

    public KeyRing(SecurityProperties properties, String service, MeterRegistry registry) {
        this.properties = properties;
        this.loadedModified = modified();
        this.current = new AtomicReference<>(properties.load());
        this.reloaded = reloads(registry, service, "ok");
        this.failed = reloads(registry, service, "error");
        Gauge.builder("stemedb.security.keys", current, keys -> keys.get().size())
                .description("API keys in force")
                .tag("service", service)
                .register(registry);
        long interval = properties.reloadInterval().toMillis();
        if (properties.keysFile() != null && interval > 0) {
            watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "keys-watch-" + service);
                thread.setDaemon(true);
                return thread;
            });
            watcher.scheduleWithFixedDelay(this::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
        } else {
            watcher = null;
        }
    }

    private static Counter reloads(MeterRegistry registry, String service, String result) {
        return Counter.builder("stemedb.security.key.reloads")
                .description("Times the keys file changed and was read again, by result")
                .tag("service", service)
                .tag("result", result)
                .register(registry);
    }

    public Optional<ApiPrincipal> lookup(String presentedKey) {
        return current.get().lookup(presentedKey);
    }

    /**
     * True while the key behind {@code principal} is still in force, unchanged: what a long-lived
     * request (a watch feed) checks as it goes, so a revoked key stops reading.
     */
    public boolean inForce(ApiPrincipal principal) {
        return current.get().holds(principal);
    }

    /** Reads the keys file again if its modification time changed; keeps the old keys if it does not parse. */
    public void reloadIfChanged() {
        FileTime modified = modified();
        if (modified == null || modified.equals(loadedModified)) {
            return;
        }
        try {
            ApiKeys keys = properties.load();
            current.set(keys);
            loadedModified = modified;
            reloaded.increment();
            log.info("keys file {} re-read: {} keys in force", properties.keysFile(), keys.size());
        } catch (RuntimeException e) {
            loadedModified = modified; // not again until it changes again
            failed.increment();
            log.error("keys file {} changed but cannot be read; the previous keys stay in force: {}", properties.keysFile(),
                    e.getMessage());
        }
    }

    private FileTime modified() {
        Path file = properties.keysFile();
        if (file == null) {
            return null;
        }
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
