package io.stemedb.replication.runtime;

import io.stemedb.replication.consensus.Entry;
import io.stemedb.replication.consensus.EntryKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Records a replica's truncation dropped, on their way to the primary. They were durable here
 * once and never committed; the primary appends them again (content-addressed, so a copy it
 * already holds changes nothing for the index), and they are kept here until a primary has made
 * them durable: nothing that was ever durable is lost, acknowledged or not (DESIGN.md §5).
 * Consensus thread only; the send itself is asynchronous and reports back through the runtime's
 * input queue. Kept in memory: a crash before the handoff loses the list, not the records'
 * last copies if other replicas hold them (the journal keeps truncated segments for recovery).
 */
final class Handoffs {

    private static final long RETRY_MS = 200;
    private static final int BATCH = 512;

    private final Map<String, Entry> waiting = new LinkedHashMap<>();
    private final HandoffSender sender;
    private final JournalPort journal;
    private long nextAttemptAt;
    private boolean inFlight;

    Handoffs(HandoffSender sender, JournalPort journal) {
        this.sender = sender;
        this.journal = journal;
    }

    void add(List<Entry> dropped) {
        for (Entry entry : dropped) {
            if (entry.kind() == EntryKind.RECORD) {
                waiting.put(entry.index() + "@" + entry.term(), entry);
            }
        }
    }

    int waiting() {
        return waiting.size();
    }

    /**
     * Tries again (at most every 200 ms) to hand the waiting records to whoever is primary now:
     * into this node's own journal when it is the writable primary, else to the primary it follows.
     *
     * @param delivered how an asynchronous send reports back (onto the consensus thread)
     */
    void retry(String primaryId, boolean selfWritablePrimary, long now, Consumer<Runnable> delivered) {
        if (waiting.isEmpty() || inFlight || now < nextAttemptAt) {
            return;
        }
        nextAttemptAt = now + RETRY_MS;
        List<Entry> batch = new ArrayList<>(waiting.values()).subList(0, Math.min(waiting.size(), BATCH));
        if (selfWritablePrimary) {
            try {
                journal.appendRecordsAsPrimary(batch);
                remove(batch);
            } catch (RuntimeException refused) {
                // Not writable after all (stepping down): next time, to whoever is primary then.
            }
        } else if (primaryId != null) {
            inFlight = true;
            List<Entry> sent = List.copyOf(batch);
            sender.send(primaryId, sent, ok -> delivered.accept(() -> {
                inFlight = false;
                if (ok) {
                    remove(sent);
                }
            }));
        }
    }

    private void remove(List<Entry> batch) {
        for (Entry entry : batch) {
            waiting.remove(entry.index() + "@" + entry.term());
        }
    }
}
