package io.stemedb.http.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a credential may do. Roles do not imply each other except {@link #ADMIN}, which holds all
 * three: a writer key cannot read unless it is also given {@code reader} (least privilege for
 * ingest agents).
 */
public enum Role {
    /** Queries, lookups, watch feeds, epoch listings. */
    READER,
    /** Assertions, batches, votes, retractions, epochs — in the key's own agent name. */
    WRITER,
    /** Every {@code /v1/admin/*}, {@code /admin/*} and {@code /cluster/sync} endpoint; writes in any agent name. */
    ADMIN;

    /** The Spring Security authority, {@code ROLE_READER} etc. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** The role name as configured and shown: {@code reader}, {@code writer}, {@code admin}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String name) {
        for (Role role : values()) {
            if (role.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "' (expected reader, writer or admin)");
    }

    /** The roles a key configured with {@code roles} holds: admin brings reader and writer. */
    public static Set<Role> effective(Set<Role> roles) {
        return roles.contains(ADMIN) ? EnumSet.allOf(Role.class) : EnumSet.copyOf(roles);
    }
}
