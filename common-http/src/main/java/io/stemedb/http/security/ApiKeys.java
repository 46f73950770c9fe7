package io.stemedb.http.security;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured keys, looked up by the SHA-256 of a presented key. Presented keys are never
 * stored or logged; only their digest is compared.
 */
public final class ApiKeys {

    private final Map<String, ApiPrincipal> byDigest;

    private ApiKeys(Map<String, ApiPrincipal> byDigest) {
        this.byDigest = Map.copyOf(byDigest);
    }

    public static ApiKeys of(List<KeyEntry> entries) {
        Map<String, ApiPrincipal> byDigest = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (KeyEntry entry : entries) {
            if (names.put(entry.name(), entry.sha256()) != null) {
                throw new IllegalArgumentException("two keys are named '" + entry.name() + "'");
            }
            if (byDigest.put(entry.sha256(), entry.principal()) != null) {
                throw new IllegalArgumentException("key '" + entry.name() + "' has the same digest as another key");
            }
        }
        return new ApiKeys(byDigest);
    }

    public Optional<ApiPrincipal> lookup(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 512) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(KeyDigest.sha256Hex(presentedKey)));
    }

    /** True while this exact principal (name, roles, agent) is among the keys. */
    public boolean holds(ApiPrincipal principal) {
        return byDigest.containsValue(principal);
    }

    public int size() {
        return byDigest.size();
    }
}
