package io.stemedb.node.wal;

import net.openhft.chronicle.queue.RollCycles;
import picocli.CommandLine.Option;

/** {@code --roll-cycle}, shared by the WAL tools: segment names only make sense with the node's roll cycle. */
public final class RollCycleOption {

    @Option(names = "--roll-cycle", defaultValue = "FAST_DAILY",
            description = "The node's stemedb.wal.roll-cycle. Default: ${DEFAULT-VALUE}")
    RollCycles rollCycle;
}
