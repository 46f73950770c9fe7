package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.Entry;
import java.util.List;
import java.util.function.Consumer;

/** Sends records to a primary's {@code Handoff}; {@code done} is told whether they are durable there. */
@FunctionalInterface
public interface HandoffSender {

    void send(String primaryId, List<Entry> records, Consumer<Boolean> done);
}
