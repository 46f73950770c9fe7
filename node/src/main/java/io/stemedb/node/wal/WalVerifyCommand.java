package io.stemedb.node.wal;

import io.stemedb.wal.tools.SegmentReport;
import io.stemedb.wal.tools.SegmentTools;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stemedb wal-verify}: checks every entry of a segment (or of every segment in a directory)
 * and reports the first bad byte offset. Exit code 0 when intact, 1 on damage, 2 on bad usage.
 */
@Command(name = "wal-verify", mixinStandardHelpOptions = true,
        description = {"Check journal segment files entry by entry (frame, CRC32C, index continuity).",
                "Exit code 0: intact; 1: damaged or cut short; 2: bad arguments.",
                "Safe on a running node: it reads a private copy of each segment."})
public final class WalVerifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "SEGMENT|DIR",
            description = "A segment file (e.g. data/wal/20261126F.cq4) or a WAL directory.")
    Path file;

    @Mixin
    RollCycleOption rollCycle;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(file)) {
            spec.commandLine().getErr().println("wal-verify: " + file + " does not exist");
            return 2;
        }
        List<SegmentReport> reports = SegmentTools.verify(file, rollCycle.rollCycle);
        boolean intact = true;
        for (SegmentReport report : reports) {
            if (report.intact()) {
                out.printf("OK   %s: %d entries (%s)%n", report.file(), report.documents(), range(report));
            } else {
                intact = false;
                out.printf("BAD  %s: first bad offset %d: %s; %d good entries before it (%s)%n", report.file(),
                        report.badOffset(), report.problem(), report.documents(), range(report));
            }
        }
        if (reports.isEmpty()) {
            out.printf("no segment files (*.cq4) in %s%n", file);
        }
        out.flush();
        return intact ? 0 : 1;
    }

    private static String range(SegmentReport report) {
        return report.documents() == 0 ? "none" : "indexes " + report.firstIndex() + ".." + report.lastIndex();
    }
}
