package io.stemedb.api.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stemedb.api.error.UnavailableReason;

/**
 * {@code stemedb_api_reads_refused_total{reason}}: reads answered 503, one series per reason, so
 * that every refused read shows on the node's metrics whichever part of the api refused it.
 */
public final class ReadsRefused {

    private ReadsRefused() {
    }

    public static Counter counter(MeterRegistry registry, UnavailableReason reason) {
        return Counter.builder("stemedb.api.reads.refused")
                .tag("reason", reason.wireName())
                .description("Reads answered 503, by reason (starting: the index had not caught up with the journal yet;"
                        + " index_behind: a query's wait for the index to reach a write it must see ran out)")
                .register(registry);
    }
}
