package io.stemedb.node.bench;

import io.stemedb.wal.fencing.TermFence;
import io.stemedb.wal.groupcommit.CommitObserver;
import io.stemedb.wal.groupcommit.GroupCommitSettings;
import io.stemedb.wal.groupcommit.GroupCommitter;
import io.stemedb.wal.journal.ChronicleJournal;
import io.stemedb.wal.journal.EntryToWrite;
import io.stemedb.wal.journal.JournalEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycles;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemedb bench-wal}: the journal alone, in this process (no gRPC, no HTTP): the disk's
 * raw fsync latency, then durable appends/s and latency for each number of concurrent appenders,
 * with group commit and without it (one fsync per append), and how many entries each fsync
 * carried.
 */
@Command(name = "bench-wal", mixinStandardHelpOptions = true,
        description = "Measure the disk's fsync latency and the journal's durable appends/s, with and without group commit.")
public final class WalBenchCommand implements Callable<Integer> {

    private static final long MAX_TRACKED_MICROS = 60_000_000;

    @Option(names = "--dir", required = true,
            description = "Scratch directory on the disk to measure (a new subdirectory per run, deleted afterwards).")
    Path dir;

    @Option(names = "--appenders", split = ",", defaultValue = "1,16,64,256",
            description = "Concurrent appenders, one run each. Default: ${DEFAULT-VALUE}")
    List<Integer> appenders;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time per run. Default: ${DEFAULT-VALUE}")
    String duration;

    @Option(names = "--warmup", defaultValue = "3s", description = "Unmeasured time before each run. Default: ${DEFAULT-VALUE}")
    String warmup;

    @Option(names = "--payload-bytes", defaultValue = "200", description = "Payload per entry. Default: ${DEFAULT-VALUE}")
    int payloadBytes;

    @Option(names = "--group-commit", defaultValue = "both",
            description = "on, off (one fsync per append) or both. Default: ${DEFAULT-VALUE}")
    String groupCommit;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        Duration measured = DurationStyle.detectAndParse(duration);
        Duration warm = DurationStyle.detectAndParse(warmup);
        System.out.println(fsyncProbe(measured));
        System.out.printf("%-12s %9s %12s %9s %9s %9s %13s %9s %9s%n", "group-commit", "appenders", "appends/s",
                "p50 ms", "p99 ms", "p99.9 ms", "entries/fsync", "fsyncs/s", "MB/s");
        for (String mode : groupCommit.equals("both") ? List.of("on", "off") : List.of(groupCommit)) {
            for (int count : appenders) {
                System.out.println(run(mode.equals("on"), count, warm, measured));
            }
        }
        return 0;
    }

    /** Appends 4 KiB and fdatasyncs it, in a loop: what one durable write costs on this disk. */
    private String fsyncProbe(Duration measured) throws IOException {
        Path file = dir.resolve("fsync-probe");
        Histogram micros = new Histogram(MAX_TRACKED_MICROS, 3);
        ByteBuffer page = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long end = System.nanoTime() + measured.toNanos();
            while (System.nanoTime() < end) {
                page.clear();
                channel.write(page);
                long started = System.nanoTime();
                channel.force(false);
                micros.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return String.format("disk fsync (4 KiB append + fdatasync, %d samples): p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms%n",
                micros.getTotalCount(), micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getValueAtPercentile(99.9) / 1000.0);
    }

    private String run(boolean grouped, int appenderCount, Duration warm, Duration measured) throws Exception {
        Path journalDir = dir.resolve("journal-" + (grouped ? "gc" : "nogc") + "-" + appenderCount);
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicLong fsyncs = new AtomicLong();
        AtomicLong entries = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        CommitObserver observer = new CommitObserver() {
            @Override
            public void committed(long fsyncNanos, int committed, long committedBytes) {
                if (measuring.get()) {
                    fsyncs.incrementAndGet();
                    entries.addAndGet(committed);
                    bytes.addAndGet(committedBytes);
                }
            }

            @Override
            public void failed(String segment, Throwable cause) {}
        };
        ConcurrentHistogram latency = new ConcurrentHistogram(MAX_TRACKED_MICROS, 3);
        AtomicLong appended = new AtomicLong();
        try (ChronicleJournal journal = ChronicleJournal.open(journalDir, RollCycles.FAST_DAILY, true, JournalEvents.NONE)) {
            GroupCommitter committer = new GroupCommitter(journal, TermFence.load(journalDir),
                    new GroupCommitSettings(grouped ? 4096 : 1, Duration.ZERO, 100_000, true, Duration.ZERO), observer);
            AtomicBoolean stop = new AtomicBoolean();
            byte[] payload = new byte[payloadBytes];
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < appenderCount; i++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        long started = System.nanoTime();
                        committer.append(List.of(new EntryToWrite(1, 1, payload))).join();
                        if (measuring.get()) {
                            latency.recordValue(Math.max(1, (System.nanoTime() - started) / 1000));
                            appended.incrementAndGet();
                        }
                    }
                }, "bench-appender-" + i);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
            Thread.sleep(warm.toMillis());
            measuring.set(true);
            long started = System.nanoTime();
            Thread.sleep(measured.toMillis());
            measuring.set(false);
            double seconds = (System.nanoTime() - started) / 1e9;
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            committer.close();
            return String.format("%-12s %9d %12.0f %9.3f %9.3f %9.3f %13.1f %9.0f %9.2f", grouped ? "on" : "off",
                    appenderCount, appended.get() / seconds, latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0,
                    fsyncs.get() == 0 ? 0.0 : (double) entries.get() / fsyncs.get(), fsyncs.get() / seconds,
                    bytes.get() / seconds / 1e6);
        } finally {
            deleteRecursively(journalDir);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
