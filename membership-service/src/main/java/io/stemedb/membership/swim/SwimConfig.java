package io.stemedb.membership.swim;

import java.time.Duration;

/**
 * Protocol tunables. Runbook keys in {@code [cluster.swim]}: {@code probe_interval_ms},
 * {@code probe_timeout_ms}, {@code suspicion_timeout_ms}.
 *
 * @param probeInterval          one protocol period: each member probes one other per period;
 *                               default 1s
 * @param probeTimeout           how long to wait for a direct ack before asking others to probe
 *                               indirectly; default 500ms
 * @param indirectProbes         members asked to probe indirectly (SWIM's k); default 3
 * @param suspicionTimeout       shortest time a suspicion lasts before the member is declared
 *                               dead (Lifeguard's minimum, reached with enough independent
 *                               confirmations); default 1s
 * @param suspicionMaxMultiplier the longest suspicion, as a multiple of the shortest, when no one
 *                               else confirms it; default 4
 * @param expectedConfirmations  independent suspecters after which the suspicion lasts only the
 *                               minimum; default 3
 * @param retransmitMultiplier   each update is piggybacked this many times log10(members + 1),
 *                               rounded up; default 4
 * @param maxLocalHealth         Lifeguard's local health multiplier cap: a member that sees its own
 *                               probes fail stretches its timeouts up to (1 + this) times; default 8
 * @param maxPiggybackUpdates    updates carried per message; default 16
 * @param gossipInterval         how often pending updates are also pushed to {@code gossipFanout}
 *                               random members, besides riding on probes; default 200ms
 * @param gossipFanout           members each gossip push goes to; default 3
 */
public record SwimConfig(Duration probeInterval, Duration probeTimeout, int indirectProbes, Duration suspicionTimeout,
        int suspicionMaxMultiplier, int expectedConfirmations, int retransmitMultiplier, int maxLocalHealth,
        int maxPiggybackUpdates, Duration gossipInterval, int gossipFanout) {

    public static SwimConfig defaults() {
        return new SwimConfig(Duration.ofSeconds(1), Duration.ofMillis(500), 3, Duration.ofSeconds(1), 4, 3, 4, 8, 16,
                Duration.ofMillis(200), 3);
    }

    /** The defaults with the runbook's three timings. */
    public static SwimConfig of(Duration probeInterval, Duration probeTimeout, Duration suspicionTimeout) {
        SwimConfig defaults = defaults();
        return new SwimConfig(probeInterval, probeTimeout, defaults.indirectProbes(), suspicionTimeout,
                defaults.suspicionMaxMultiplier(), defaults.expectedConfirmations(), defaults.retransmitMultiplier(),
                defaults.maxLocalHealth(), defaults.maxPiggybackUpdates(), defaults.gossipInterval(), defaults.gossipFanout());
    }

    public SwimConfig {
        if (probeTimeout.compareTo(probeInterval) >= 0) {
            throw new IllegalArgumentException("probe timeout must be shorter than the probe interval");
        }
        if (indirectProbes < 0 || suspicionMaxMultiplier < 1 || expectedConfirmations < 1 || retransmitMultiplier < 1
                || maxLocalHealth < 0 || maxPiggybackUpdates < 1 || gossipFanout < 0 || gossipInterval.isNegative()
                || gossipInterval.isZero()) {
            throw new IllegalArgumentException("invalid SWIM configuration " + this);
        }
    }
}
