package io.stemedb.node;

import io.stemedb.node.bench.BenchCommand;
import io.stemedb.node.cluster.ClusterBenchCommand;
import io.stemedb.node.cluster.ClusterCommand;
import io.stemedb.node.bench.MerkleBenchCommand;
import io.stemedb.node.bench.ModelBenchCommand;
import io.stemedb.node.bench.WalBenchCommand;
import io.stemedb.node.wal.WalRepairCommand;
import io.stemedb.node.wal.WalVerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stemedb} command line. */
@Command(
        name = "stemedb",
        mixinStandardHelpOptions = true,
        versionProvider = StemeDbVersion.class,
        description = "StemeDB, a replicated database of assertions.",
        subcommands = {RunCommand.class, KeysCommand.class, io.stemedb.node.tls.CertsCommand.class, ClusterCommand.class, BenchCommand.class, WalBenchCommand.class, ModelBenchCommand.class, MerkleBenchCommand.class, ClusterBenchCommand.class, io.stemedb.node.cluster.FailoverBenchCommand.class, WalVerifyCommand.class, WalRepairCommand.class,
                io.stemedb.node.launch.PrepareLaunchCommand.class, io.stemedb.node.bench.stack.StackCeilingCommand.class,
                CommandLine.HelpCommand.class})
public final class StemeDbCli {

    public static void main(String[] args) {
        System.setProperty("chronicle.analytics.disable", "true");
        int exitCode = new CommandLine(new StemeDbCli()).execute(args);
        // A running node never returns from execute; anything that does is done.
        System.exit(exitCode);
    }
}
