package io.stemedb.api.snapshot;

import io.stemedb.common.codec.LogRecordCodec;
import io.stemedb.common.model.LogRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * One snapshot of the query index on disk: every record the index holds up to a log index, in
 * log order, as the same protobuf payloads the journal stores. Loading it and applying the
 * journal's tail after that index rebuilds the index without replaying the whole journal.
 *
 * <pre>
 *   "STMDSNAP"  8 bytes
 *   version     int (1)
 *   index       long   the log index the snapshot covers
 *   count       long   records that follow
 *   count x     type byte, term long, index long, payload length int, payload bytes
 *   CRC32C      int    of every byte before it
 * </pre>
 * Big-endian (DataOutputStream). Written to a temporary file, fsynced and renamed, so a crash
 * leaves the previous snapshot intact; a file whose CRC does not match is ignored.
 */
final class SnapshotFile {

    private static final byte[] MAGIC = "STMDSNAP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    static final String PREFIX = "snapshot-";
    static final String SUFFIX = ".bin";

    private SnapshotFile() {}

    static Path nameFor(Path directory, long index) {
        return directory.resolve(String.format("%s%020d%s", PREFIX, index, SUFFIX));
    }

    /** Writes the records with index at or below {@code upTo}; returns the file. */
    static Path write(Path directory, long upTo, List<LogRecord> records) throws IOException {
        Files.createDirectories(directory);
        Path target = nameFor(directory, upTo);
        Path temporary = directory.resolve(target.getFileName() + ".tmp");
        long count = records.stream().filter(record -> record.index() <= upTo).count();
        CRC32C crc = new CRC32C();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream file = Channels.newOutputStream(channel);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(file, crc), 1 << 16));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(upTo);
            out.writeLong(count);
            for (LogRecord record : records) {
                if (record.index() > upTo) {
                    break;
                }
                byte[] payload = LogRecordCodec.encode(record);
                out.writeByte(LogRecordCodec.typeOf(record).getNumber());
                out.writeLong(record.term());
                out.writeLong(record.index());
                out.writeInt(payload.length);
                out.write(payload);
            }
            out.flush();
            new DataOutputStream(file).writeInt((int) crc.getValue());
            channel.force(true);
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
        return target;
    }

    /**
     * Reads a snapshot, handing each record to {@code apply} in order, and returns the index it
     * covers. Records are decoded on a thread of their own, a chunk ahead of {@code apply}: at
     * start the index's inserts and the decoding are about equal halves of a record's cost, and the
     * second core is otherwise mostly idle then. {@code expect} is told first how many records
     * follow.
     *
     * @throws IOException if the file is not a complete, intact version-1 snapshot
     */
    static long read(Path file, LongConsumer expect, Consumer<LogRecord> apply) throws IOException {
        // Check the whole file first: a damaged snapshot must not put half a state into the index.
        verifyChecksum(file);
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC) || in.readInt() != VERSION) {
                throw new IOException(file + " is not a version-1 index snapshot");
            }
            long upTo = in.readLong();
            long count = in.readLong();
            expect.accept(count);
            BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
            Thread decoder = new Thread(() -> decode(file, in, count, chunks), "index-snapshot-decoder");
            decoder.setDaemon(true);
            decoder.start();
            try {
                while (true) {
                    Chunk chunk = chunks.take();
                    if (chunk.failure() != null) {
                        throw chunk.failure() instanceof IOException io ? io : new IOException(chunk.failure());
                    }
                    chunk.records().forEach(apply);
                    if (chunk.last()) {
                        return upTo;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while loading " + file, e);
            } finally {
                decoder.interrupt();
            }
        }
    }

    private static final int CHUNK_RECORDS = 4096;
    private static final int CHUNKS_AHEAD = 8;

    /** Decoded records in file order; the last chunk, or the failure that ended the decoding. */
    private record Chunk(List<LogRecord> records, Exception failure, boolean last) {}

    private static void decode(Path file, DataInputStream in, long count, BlockingQueue<Chunk> chunks) {
        try {
            List<LogRecord> records = new ArrayList<>(CHUNK_RECORDS);
            for (long i = 0; i < count; i++) {
                int type = in.readUnsignedByte();
                long term = in.readLong();
                long index = in.readLong();
                int length = in.readInt();
                if (length < 0 || length > 64 << 20) {
                    throw new IOException(file + ": record " + i + " claims " + length + " bytes");
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                LogRecord record = LogRecordCodec.decode(type, payload, term, index);
                if (record != null) {
                    records.add(record);
                }
                if (records.size() == CHUNK_RECORDS) {
                    chunks.put(new Chunk(records, null, false));
                    records = new ArrayList<>(CHUNK_RECORDS);
                }
            }
            chunks.put(new Chunk(records, null, true));
        } catch (InterruptedException e) {
            // The reader gave up (its apply failed); nobody waits for more.
        } catch (EOFException e) {
            offer(chunks, new IOException(file + " is cut short", e));
        } catch (IOException | RuntimeException e) {
            offer(chunks, e);
        }
    }

    private static void offer(BlockingQueue<Chunk> chunks, Exception failure) {
        try {
            chunks.put(new Chunk(List.of(), failure, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void verifyChecksum(Path file) throws IOException {
        long size = Files.size(file);
        if (size < MAGIC.length + 4 + 8 + 8 + 4) {
            throw new IOException(file + " is cut short");
        }
        CRC32C crc = new CRC32C();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            long left = size - 4;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new IOException(file + " is cut short");
                }
                crc.update(buffer, 0, read);
                left -= read;
            }
            int stored = new DataInputStream(in).readInt();
            if (stored != (int) crc.getValue()) {
                throw new IOException(file + ": CRC32C mismatch");
            }
        }
    }
}
