package io.stemedb.api.error;

/** The request names something this node does not have (404); {@code field} says which part of the request. */
public final class NotFoundException extends RuntimeException {

    private final String field;

    public NotFoundException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
