package io.stemedb.http.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code stemedb.security.*}, read by the api-service and the gateway (documented in
 * docs/security.md).
 *
 * @param keysFile       a keys file (digests only, see {@link KeysFile}); env
 *                       {@code STEMEDB_SECURITY_KEYS_FILE}. Default: none.
 * @param keys           keys given inline ({@code stemedb.security.keys[0].name/roles/agent/sha256},
 *                       env {@code STEMEDB_SECURITY_KEYS_0_SHA256} …), added to the file's.
 * @param metricsPublic  whether {@code /metrics} answers without a credential (default true, so a
 *                       Prometheus without credentials can scrape); false requires a reader key.
 * @param reloadInterval how often the keys file is checked for changes (re-read when its
 *                       modification time changes); 0 = read at start only. Default 10s.
 */
@ConfigurationProperties("stemedb.security")
public record SecurityProperties(Path keysFile, List<KeyEntry> keys, @DefaultValue("true") boolean metricsPublic,
        @DefaultValue("10s") java.time.Duration reloadInterval) {

    /** Every configured key. With none, only the open endpoints answer: the node fails closed. */
    public ApiKeys load() {
        List<KeyEntry> all = new ArrayList<>();
        if (keysFile != null) {
            all.addAll(KeysFile.read(keysFile));
        }
        if (keys != null) {
            all.addAll(keys);
        }
        return ApiKeys.of(all);
    }
}
