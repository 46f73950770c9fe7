package io.stemedb.http.security;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One configured key: its name, roles, agent binding and the SHA-256 of the key (never the key).
 *
 * @param agent  the agent the key writes as, {@code *} for any, null for none
 */
public record KeyEntry(String name, Set<Role> roles, String agent, String sha256) {

    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public KeyEntry {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("key name '" + name + "' must be 1-128 of [A-Za-z0-9._:@-]");
        }
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("key '" + name + "' has no roles");
        }
        roles = Set.copyOf(EnumSet.copyOf(roles));
        if (agent != null && (agent.isBlank() || agent.equals("-"))) {
            agent = null;
        }
        if (roles.contains(Role.WRITER) && !roles.contains(Role.ADMIN) && agent == null) {
            throw new IllegalArgumentException("writer key '" + name + "' needs an agent id to write as (or '*' for any agent)");
        }
        if (sha256 == null || !HEX_SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("key '" + name + "': sha256 must be 64 lower-case hex digits (the digest, not the key)");
        }
    }

    public ApiPrincipal principal() {
        return new ApiPrincipal(name, roles, agent);
    }
}
