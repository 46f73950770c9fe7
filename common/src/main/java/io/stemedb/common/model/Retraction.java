package io.stemedb.common.model;

/**
 * Hides an assertion from the recency, consensus and confidence lenses from its place in the log
 * on; the history lens shows both.
 *
 * @param id          content hash of (assertion id, agent id, reason)
 * @param assertionId the assertion retracted
 * @param agentId     who retracted it
 * @param reason      free text, may be empty
 */
public record Retraction(String id, String assertionId, String agentId, String reason, long hlc, long term, long index)
        implements LogRecord {

    @Override
    public String type() {
        return "retraction";
    }
}
