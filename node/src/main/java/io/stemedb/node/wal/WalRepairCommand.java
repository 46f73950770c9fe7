package io.stemedb.node.wal;

import io.stemedb.wal.tools.SegmentReport;
import io.stemedb.wal.tools.SegmentTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stemedb wal-repair}: writes a copy of a segment that keeps the entries before a byte
 * offset (the one {@code wal-verify} reported). Never modifies its input.
 */
@Command(name = "wal-repair", mixinStandardHelpOptions = true,
        description = {"Write a repaired copy of a segment: every entry before --truncate-at, nothing after.",
                "Stop the node first, move the damaged segment aside, repair into its place.",
                "Exit code 0: written; 1: cannot repair; 2: bad arguments."})
public final class WalRepairCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--segment", required = true, description = "The damaged segment file (never modified).")
    Path segment;

    @Option(names = "--output", required = true, description = "Where to write the repaired segment.")
    Path output;

    @Option(names = "--truncate-at", required = true, paramLabel = "OFFSET",
            description = "Byte offset of the first bad document, as wal-verify reports it.")
    long truncateAt;

    @Mixin
    RollCycleOption rollCycle;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(segment)) {
            spec.commandLine().getErr().println("wal-repair: " + segment + " is not a file");
            return 2;
        }
        try {
            SegmentReport repaired = SegmentTools.repair(segment, output, truncateAt, rollCycle.rollCycle);
            spec.commandLine().getOut().printf("wrote %s: %d entries (indexes %d..%d)%n", repaired.file(),
                    repaired.documents(), repaired.firstIndex(), repaired.lastIndex());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("wal-repair: " + e.getMessage());
            return 1;
        }
    }
}
