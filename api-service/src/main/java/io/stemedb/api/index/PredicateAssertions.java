package io.stemedb.api.index;

import io.stemedb.common.model.Assertion;
import java.math.BigDecimal;
import java.util.List;

/**
 * Every assertion about one (concept, predicate), in log order, plus the two winners that the
 * recency and confidence lenses ask for, kept current as assertions arrive so that those lenses
 * answer in constant time.
 */
public final class PredicateAssertions {

    private final AppendOnlyList<Assertion> history = new AppendOnlyList<>();
    private volatile Assertion newest;
    private volatile Assertion mostConfident;
    private BigDecimal highestConfidence;

    /** Writer thread only. */
    void add(Assertion assertion) {
        history.add(assertion);
        if (newest == null || assertion.hlc() > newest.hlc()) {
            newest = assertion;
        }
        BigDecimal confidence = new BigDecimal(assertion.content().confidence());
        int comparison = highestConfidence == null ? 1 : confidence.compareTo(highestConfidence);
        // Ties go to the newer assertion, as the confidence lens defines.
        if (comparison > 0 || (comparison == 0 && assertion.hlc() > mostConfident.hlc())) {
            highestConfidence = confidence;
            mostConfident = assertion;
        }
    }

    public Assertion newest() {
        return newest;
    }

    public Assertion mostConfident() {
        return mostConfident;
    }

    public List<Assertion> history() {
        return history.snapshot();
    }
}
