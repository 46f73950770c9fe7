package io.stemedb.node.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stemedb.api.index.RecordTree;
import io.stemedb.api.store.RecordStoreService;
import io.stemedb.proto.antientropy.AntiEntropyGrpc;
import io.stemedb.proto.antientropy.DiffRequest;
import io.stemedb.proto.antientropy.DiffResponse;
import io.stemedb.proto.antientropy.DifferingRange;
import io.stemedb.replication.merkle.AntiEntropyService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb bench-merkle}: what the Merkle trees cost, with the services' own classes and no
 * cluster. First, adding a million ids to the tree the way the index does as it loads a snapshot
 * (the tree's share of a restart). Then two nodes' record stores ({@link RecordStoreService} over
 * a {@link RecordTree}) and anti-entropy services ({@link AntiEntropyService}) on loopback TCP
 * gRPC servers, one store holding {@code --records} ids and the other the same plus
 * {@code --differences} more, and the diff one asks of the other: time, rounds, tree nodes read
 * and bytes received.
 */
@Command(name = "bench-merkle", mixinStandardHelpOptions = true,
        description = "Measure the Merkle tree's build from a store's ids and a diff between two stores over gRPC.")
public final class MerkleBenchCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "1000000", description = "Records in each store. Default: ${DEFAULT-VALUE}")
    int records;

    @Option(names = "--differences", split = ",", defaultValue = "0,1,1000,100000",
            description = "Records only the second store has, one run each. Default: ${DEFAULT-VALUE}")
    List<Integer> differences;

    @Option(names = "--rounds", defaultValue = "5", description = "Timed repetitions of each measurement (after one"
            + " untimed). Default: ${DEFAULT-VALUE}")
    int rounds;

    @Option(names = "--warmup-diffs", defaultValue = "2000", description = "Untimed diffs of two small stores first, so"
            + " that the JIT has compiled the gRPC and descent paths. Default: ${DEFAULT-VALUE}")
    int warmupDiffs;

    @Option(names = "--seed", defaultValue = "20261203", description = "Seed of the random ids. Default: ${DEFAULT-VALUE}")
    long seed;

    @Override
    public Integer call() throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        String[] ids = ids(random, records);
        int most = differences.stream().mapToInt(Integer::intValue).max().orElse(0);
        String[] extra = ids(random, most);

        long[] builds = new long[rounds];
        for (int round = -1; round < rounds; round++) {
            long started = System.nanoTime();
            RecordTree tree = tree(ids, extra, 0);
            long took = System.nanoTime() - started;
            if (round >= 0) {
                builds[round] = took;
            }
            if (tree.count() != records) {
                throw new IllegalStateException("the tree counts " + tree.count() + ", not " + records);
            }
        }
        long build = median(builds);
        System.out.printf("tree of %,d ids (as a snapshot load adds them): %.0f ms, %.0f ns per record (median of %d)%n%n",
                records, build / 1e6, (double) build / records, rounds);

        String[] small = ids(random, 10_000);
        String[] few = ids(random, 5);
        try (Pair warmup = new Pair(tree(small, few, 0), tree(small, few, 5))) {
            for (int i = 0; i < warmupDiffs; i++) {
                warmup.diff();
            }
        }
        System.out.println("| records | differing | diff time (ms) | rounds | nodes read per side | ids listed per side"
                + " | bytes received | ranges | records in them (here / there) | only here / only there |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        RecordTree here = tree(ids, extra, 0);
        for (int difference : differences) {
            RecordTree there = tree(ids, extra, difference);
            try (Pair pair = new Pair(here, there)) {
                long[] times = new long[rounds];
                DiffResponse last = null;
                for (int round = -1; round < rounds; round++) {
                    long started = System.nanoTime();
                    last = pair.diff();
                    if (round >= 0) {
                        times[round] = System.nanoTime() - started;
                    }
                }
                long inHere = 0;
                long inThere = 0;
                for (DifferingRange range : last.getRangesList()) {
                    inHere += range.getHere();
                    inThere += range.getThere();
                }
                if (inThere - inHere != difference || (last.getExact() && (last.getOnlyThere() != difference
                        || last.getOnlyHere() != 0))) {
                    throw new IllegalStateException("the diff found " + last.getOnlyHere() + " / " + last.getOnlyThere()
                            + " one-sided records (ranges holding " + (inThere - inHere) + " more there), not 0 / " + difference);
                }
                System.out.printf("| %,d | %,d | %.1f | %d | %,d | %,d | %,d | %,d | %,d / %,d | %s |%n", records,
                        difference, median(times) / 1e6, last.getRounds(), last.getNodesRead(), last.getIdsListed(),
                        last.getBytesReceived(), last.getRangesCount(), inHere, inThere, last.getExact()
                                ? String.format("%,d / %,d", last.getOnlyHere(), last.getOnlyThere())
                                : "not counted (over the listing limit)");
            }
        }
        return 0;
    }

    private static String[] ids(SplittableRandom random, int n) {
        String[] ids = new String[n];
        byte[] id = new byte[32];
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < n; i++) {
            random.nextBytes(id);
            ids[i] = hex.formatHex(id);
        }
        return ids;
    }

    private static RecordTree tree(String[] ids, String[] extra, int extras) {
        RecordTree tree = new RecordTree();
        for (String id : ids) {
            tree.add(id);
        }
        for (int i = 0; i < extras; i++) {
            tree.add(extra[i]);
        }
        return tree;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Two nodes, "here" and "there": each a store and an anti-entropy service on loopback TCP. */
    private static final class Pair implements AutoCloseable {

        private final List<Server> servers = new ArrayList<>();
        private final List<ManagedChannel> channels = new ArrayList<>();
        private final AntiEntropyGrpc.AntiEntropyBlockingStub here;

        Pair(RecordTree hereTree, RecordTree thereTree) throws IOException {
            ManagedChannel thereRpc = node("there", thereTree, name -> null);
            ManagedChannel hereRpc = node("here", hereTree, name -> name.equals("there") ? thereRpc : null);
            this.here = AntiEntropyGrpc.newBlockingStub(hereRpc);
        }

        private ManagedChannel node(String id, RecordTree tree, java.util.function.Function<String, ManagedChannel> members)
                throws IOException {
            ManagedChannel store = channelTo(start(new RecordStoreService(tree, () -> 0, recordId -> null)));
            AntiEntropyService service = new AntiEntropyService(id, store, members, records -> {
                throw io.grpc.Status.UNIMPLEMENTED.withDescription("the bench only compares").asRuntimeException();
            }, Duration.ofSeconds(30),
                    new SimpleMeterRegistry());
            return channelTo(start(service));
        }

        private Server start(io.grpc.BindableService service) throws IOException {
            Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build()
                    .start();
            servers.add(server);
            return server;
        }

        private ManagedChannel channelTo(Server server) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
            channels.add(channel);
            return channel;
        }

        DiffResponse diff() {
            return here.withDeadlineAfter(60, TimeUnit.SECONDS).diff(DiffRequest.newBuilder().setOtherNode("there").build());
        }

        @Override
        public void close() {
            channels.forEach(ManagedChannel::shutdownNow);
            servers.forEach(Server::shutdownNow);
        }
    }
}
