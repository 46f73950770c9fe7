package io.stemedb.wal.journal;

import java.nio.ByteBuffer;
import net.openhft.chronicle.bytes.Bytes;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The bytes of one entry inside a Chronicle Queue document, version 1 (little-endian):
 * <pre>
 *   offset  size  field
 *   0       1     frame version (1)
 *   1       1     entry type
 *   2       8     index
 *   10      8     term
 *   18      4     payload length N
 *   22      N     payload
 *   22+N    4     CRC32C of bytes [0, 22+N)
 * </pre>
 * Chronicle's own header tells a complete document from one a crash cut short; the CRC catches
 * what it cannot: bytes that were written but are not the bytes we wrote (a torn page after power
 * loss, a bit flip on disk, a file edited by hand).
 */
public final class EntryFrame {

    public static final int VERSION = 1;
    static final int HEADER_BYTES = 22;
    static final int TRAILER_BYTES = 4;
    public static final int OVERHEAD_BYTES = HEADER_BYTES + TRAILER_BYTES;

    private EntryFrame() {}

    public static byte[] encode(long index, EntryToWrite entry) {
        byte[] payload = entry.payload();
        ByteBuffer frame = ByteBuffer.allocate(OVERHEAD_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.put((byte) VERSION)
                .put((byte) entry.type())
                .putLong(index)
                .putLong(entry.term())
                .putInt(payload.length)
                .put(payload);
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), 0, frame.position());
        frame.putInt((int) crc.getValue());
        return frame.array();
    }

    /**
     * Decodes the frame a Chronicle document holds: the bytes from its read position to its end,
     * which are consumed.
     *
     * @throws CorruptEntryException if the bytes are not a whole, intact version-1 frame
     */
    static JournalEntry decode(Bytes<?> document) {
        byte[] frame = new byte[Math.toIntExact(document.readRemaining())];
        document.read(frame);
        return decode(frame);
    }

    /**
     * @throws CorruptEntryException if the bytes are not a whole, intact version-1 frame
     */
    public static JournalEntry decode(byte[] frame) {
        if (frame.length < OVERHEAD_BYTES) {
            throw new CorruptEntryException("frame of " + frame.length + " bytes is shorter than the "
                    + OVERHEAD_BYTES + "-byte minimum");
        }
        ByteBuffer in = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        int version = Byte.toUnsignedInt(in.get());
        int type = Byte.toUnsignedInt(in.get());
        long index = in.getLong();
        long term = in.getLong();
        int length = in.getInt();
        if (length < 0 || length != frame.length - OVERHEAD_BYTES) {
            throw new CorruptEntryException("payload length " + length + " does not match a frame of "
                    + frame.length + " bytes");
        }
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, HEADER_BYTES + length);
        int expected = ByteBuffer.wrap(frame, HEADER_BYTES + length, TRAILER_BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != expected) {
            throw new CorruptEntryException("CRC32C mismatch at index " + index);
        }
        if (version != VERSION) {
            throw new CorruptEntryException("unknown frame version " + version + " at index " + index);
        }
        byte[] payload = new byte[length];
        in.get(payload);
        return new JournalEntry(index, term, type, payload);
    }
}
