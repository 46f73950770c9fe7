package io.stemedb.wal.tools;

import java.nio.file.Path;

/**
 * What verifying one segment file found.
 *
 * @param documents      intact entries before the first problem
 * @param firstIndex     log index of the first intact entry, 0 if none
 * @param lastIndex      log index of the last intact entry, 0 if none
 * @param badOffset      byte offset in the file of the first bad document's header, -1 if none
 * @param problem        what is wrong there, null if nothing
 */
public record SegmentReport(Path file, long documents, long firstIndex, long lastIndex, long badOffset, String problem) {

    public boolean intact() {
        return problem == null;
    }
}
