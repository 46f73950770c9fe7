package io.stemedb.common.model;

import java.util.Objects;

/**
 * The claim itself: the five fields an assertion's content hash covers. Already validated and
 * canonical (see {@code AssertionRequestReader}), so two equal claims are equal objects.
 *
 * @param conceptPath slash-separated segments, e.g. {@code medicine/drugs/aspirin}
 * @param predicate   what is claimed about the concept, e.g. {@code max_daily_dose_mg}
 * @param valueJson   the claimed value as canonical JSON text
 * @param agentId     who claims it
 * @param confidence  the claimant's confidence as a canonical decimal in [0, 1]
 */
public record AssertionContent(
        String conceptPath, String predicate, String valueJson, String agentId, String confidence) {

    public AssertionContent {
        Objects.requireNonNull(conceptPath, "conceptPath");
        Objects.requireNonNull(predicate, "predicate");
        Objects.requireNonNull(valueJson, "valueJson");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(confidence, "confidence");
    }

    /** The same claim in another agent's name (the writing key's, when the body named none). */
    public AssertionContent withAgentId(String agent) {
        return agent.equals(agentId) ? this : new AssertionContent(conceptPath, predicate, valueJson, agent, confidence);
    }
}
