package io.stemedb.api.security;

/** A write in the name of an agent the request's key may not act as (403). */
public final class AgentMismatchException extends RuntimeException {

    private final String field;

    public AgentMismatchException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
