package io.stemedb.http.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated request: the key's principal and its roles as authorities. */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final ApiPrincipal principal;

    public ApiKeyAuthentication(ApiPrincipal principal) {
        super(principal.roles().stream().map(role -> new SimpleGrantedAuthority(role.authority())).toList());
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return ""; // the key is not kept
    }

    @Override
    public ApiPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.name();
    }

    /** Equality by principal; the authorities follow from it. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ApiKeyAuthentication that && principal.equals(that.principal);
    }

    @Override
    public int hashCode() {
        return principal.hashCode();
    }
}
