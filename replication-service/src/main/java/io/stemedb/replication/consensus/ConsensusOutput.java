package io.stemedb.replication.consensus;

import java.util.List;

/**
 * Everything a {@link ConsensusNode} wants done after an input, taken out with
 * {@link ConsensusNode#drain()}. The caller does it in this order before the next input:
 * <ol>
 *   <li>persist {@code hardState} (if not null): term and vote, and the journal's fence at that
 *       term (not writable), so no append of an older term is taken from then on;</li>
 *   <li>make {@code logWrites} durable in the journal;</li>
 *   <li>send {@code messages} (they may promise what steps 1 and 2 made durable);</li>
 *   <li>apply {@code leadership} (if not null): fence the journal writable for the api at its term
 *       only when it says {@code writable}, else not writable;</li>
 *   <li>append {@code proposals} through the journal (primary only, so after step 4);</li>
 *   <li>publish {@code commitIndex} and {@code readStates}.</li>
 * </ol>
 * If step 1 or 2 fails, nothing after it may happen: the node must stop and start again from
 * what is on disk.
 */
public record ConsensusOutput(HardState hardState, List<LogWrite> logWrites, List<ConsensusMessage> messages,
        List<Proposal> proposals, long commitIndex, Leadership leadership, List<ReadState> readStates) {

    public ConsensusOutput {
        logWrites = List.copyOf(logWrites);
        messages = List.copyOf(messages);
        proposals = List.copyOf(proposals);
        readStates = List.copyOf(readStates);
    }

    public boolean hasWork() {
        return hardState != null || !logWrites.isEmpty() || !messages.isEmpty() || !proposals.isEmpty()
                || leadership != null || !readStates.isEmpty();
    }
}
