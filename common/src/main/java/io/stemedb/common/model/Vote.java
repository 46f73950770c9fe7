package io.stemedb.common.model;

/**
 * One agent's vote on an assertion. An agent's latest vote replaces its earlier ones; the
 * consensus lens ranks assertions by the sum of their agents' current votes.
 *
 * @param weight +1 or -1
 */
public record Vote(String id, String assertionId, String agentId, int weight, long hlc, long term, long index)
        implements LogRecord {

    @Override
    public String type() {
        return "vote";
    }
}
