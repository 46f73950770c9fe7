package io.stemedb.wal.fencing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The node's hard state (the highest term it has been fenced at, and the vote cast in it), kept in
 * {@code wal.term} next to the journal ({@link HardStateFile}). Appends from a lower term are
 * refused: once an election has fenced the node at term T, a primary of an older term can no
 * longer get anything acknowledged here.
 *
 * <p>Every change is on disk before it is visible: the file is replaced atomically and the new
 * state is published only after the directory fsync, so whatever a caller was told (a vote
 * granted, a term fenced) survives power loss, and a crash leaves the old or the new state, never
 * a torn one. A failed write publishes nothing; the caller was told it failed, so it never acted
 * on the state it asked for (a vote not acknowledged was never sent).
 *
 * <p>Changes are serialized here; that they also exclude commits is {@link TermGuard}'s job.
 */
public final class TermFence {

    static final String FILE_NAME = HardStateFile.FILE_NAME;

    private final Path file;
    private volatile HardState state;

    private TermFence(Path file, HardState state) {
        this.file = file;
        this.state = state;
    }

    /**
     * Reads the hard state of the journal in {@code directory}: term 0 and no vote when it was
     * never fenced; a file of the one-line format (term only) has no vote.
     */
    public static TermFence load(Path directory) {
        Path file = directory.resolve(FILE_NAME);
        try {
            return new TermFence(file, HardStateFile.read(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public long current() {
        return state.term();
    }

    public HardState hardState() {
        return state;
    }

    /** True when an entry of {@code entryTerm} may still be appended. */
    public boolean admits(long entryTerm) {
        return entryTerm >= state.term();
    }

    /**
     * Raises the fence to {@code newTerm} with no vote (no change when it is not higher) and
     * returns only once the new term is on disk.
     *
     * @return the fenced term after the call
     */
    public synchronized long raiseTo(long newTerm) throws IOException {
        if (newTerm > state.term()) {
            persist(new HardState(newTerm, ""));
        }
        return state.term();
    }

    /**
     * Records the consensus's hard state and returns only once it is on disk:
     * <ul>
     *   <li>a lower term than the current one changes nothing and answers the current state (the
     *       caller learns from the answer's term that it is behind);</li>
     *   <li>a higher term is recorded with {@code votedFor} (which may be empty);</li>
     *   <li>at the same term a vote is recorded only if none was; the same vote again, or no vote,
     *       changes nothing (a vote cannot be taken back); another vote is refused.</li>
     * </ul>
     *
     * @return the hard state after the call
     * @throws VoteConflictException if another vote was already recorded in {@code term}
     * @throws IllegalArgumentException if {@code votedFor} cannot be stored as it is
     */
    public synchronized HardState record(long term, String votedFor) throws IOException {
        if (!HardStateFile.storable(votedFor)) {
            throw new IllegalArgumentException("voted_for must be at most " + HardState.MAX_VOTED_FOR_BYTES
                    + " bytes of UTF-8 without control characters or surrounding spaces");
        }
        HardState current = state;
        if (term < current.term()) {
            return current;
        }
        if (term > current.term()) {
            persist(new HardState(term, votedFor));
            return state;
        }
        if (votedFor.isEmpty() || votedFor.equals(current.votedFor())) {
            return current;
        }
        if (current.hasVote()) {
            throw new VoteConflictException(current, votedFor);
        }
        persist(new HardState(term, votedFor));
        return state;
    }

    private void persist(HardState next) throws IOException {
        HardStateFile.write(file, next);
        state = next;
    }
}
