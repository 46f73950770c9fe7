package io.stemedb.wal.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

/**
 * The entry just before the journal's first one, kept in {@code retained-base} beside the
 * segments: its index, its term and the cluster configuration in force at it (the payload of the
 * last configuration entry at or before it). The journal starts after that entry, so these are
 * nowhere else, and the consensus needs them: the term to tell a member that lacks the entries
 * where to continue, the configuration to know its voters after a restart.
 *
 * <p>Two things write it, each durably before it changes a segment:
 * <ul>
 *   <li>retention ({@link SegmentRetention}), for the last entry it deletes. A crash before the
 *       segments went leaves a base at or after the journal's first entry: no base (term
 *       unknown) until the next pass writes it again.</li>
 *   <li>a rebase ({@link JournalTruncation#rebase}), for the entry the consensus told the journal
 *       to continue after, marked {@code rebased}. A crash before every entry went leaves a base
 *       at or after the journal's first entry, and the open finishes the rebase
 *       ({@link JournalRecovery}): every entry goes.</li>
 * </ul>
 * A journal left empty (by a rebase) continues after its base.
 *
 * @param configuration empty when no configuration entry was ever at or before the base
 */
record RetainedBase(long index, long term, byte[] configuration, boolean rebased) {

    static final String FILE = "retained-base";
    static final RetainedBase NONE = new RetainedBase(0, 0, new byte[0], false);
    private static final String REBASED = "rebased";
    private static final String RETAINED = "retained";

    RetainedBase {
        configuration = configuration == null ? new byte[0] : configuration.clone();
    }

    static RetainedBase read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return NONE;
        }
        String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            long index = Long.parseLong(fields[0]);
            long term = Long.parseLong(fields[1]);
            boolean rebased = fields.length > 2 && REBASED.equals(fields[2]);
            byte[] configuration = fields.length > 3 ? Base64.getDecoder().decode(fields[3]) : new byte[0];
            return new RetainedBase(index, term, configuration, rebased);
        } catch (RuntimeException unreadable) {
            if (fields.length > 2 && REBASED.equals(fields[2])) {
                // A rebase's base cannot be guessed: the journal would continue at the wrong index.
                throw new CorruptJournalException(file + " names a rebase but cannot be read; it is written atomically,"
                        + " so it was edited or the disk is damaged");
            }
            // Written whole or not at all (AtomicFile); anything else is not ours: no base.
            return NONE;
        }
    }

    void write(Path directory) throws IOException {
        String line = index + " " + term + " " + (rebased ? REBASED : RETAINED) + " "
                + Base64.getEncoder().encodeToString(configuration) + "\n";
        AtomicFile.replace(directory.resolve(FILE), line.getBytes(StandardCharsets.US_ASCII));
    }

    /** The term of the entry just before {@code firstIndex}, if this is that entry; 0 otherwise. */
    long termBefore(long firstIndex) {
        return firstIndex > 1 && index == firstIndex - 1 ? term : 0;
    }

    /** The configuration in force just before {@code firstIndex}, if this is that entry; empty otherwise. */
    byte[] configurationBefore(long firstIndex) {
        return firstIndex > 1 && index == firstIndex - 1 ? configuration.clone() : new byte[0];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetainedBase that && index == that.index && term == that.term
                && rebased == that.rebased && Arrays.equals(configuration, that.configuration);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Long.hashCode(term) * 7 + Arrays.hashCode(configuration) + (rebased ? 1 : 0);
    }

    @Override
    public String toString() {
        return "RetainedBase[index=" + index + ", term=" + term + ", configuration=" + configuration.length
                + " bytes" + (rebased ? ", rebased" : "") + "]";
    }
}
