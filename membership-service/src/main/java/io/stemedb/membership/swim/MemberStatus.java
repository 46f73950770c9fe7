package io.stemedb.membership.swim;

/** What one member believes about another. */
public enum MemberStatus {
    /** Answering probes (as far as this member knows). */
    ALIVE,
    /** A probe went unanswered; dead unless it refutes in time. */
    SUSPECT,
    /** Declared dead after its suspicion timed out, or left. Only a higher incarnation brings it back. */
    DEAD;

    /** The name the HTTP API uses: UP, SUSPECT, DOWN. */
    public String apiName() {
        return switch (this) {
            case ALIVE -> "UP";
            case SUSPECT -> "SUSPECT";
            case DEAD -> "DOWN";
        };
    }
}
