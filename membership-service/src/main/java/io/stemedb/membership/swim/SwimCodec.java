package io.stemedb.membership.swim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire form of {@link SwimMessage}s, one per UDP datagram, version 1:
 * <pre>
 *   version byte (1), type byte, [seq long], [ack: wall clock ms long], [target, target address], from, from address,
 *   update count short, updates: id, address, incarnation long, status byte, from,
 *   metadata count short, (key, value)...
 * </pre>
 * Strings are {@link DataOutputStream#writeUTF modified UTF-8}. The simulation measures gossip
 * bytes with this same encoding.
 */
public final class SwimCodec {

    static final int VERSION = 1;
    private static final int PING = 1;
    private static final int ACK = 2;
    private static final int PING_REQ = 3;
    private static final int NACK = 4;
    private static final int JOIN = 5;
    private static final int JOIN_REPLY = 6;
    private static final int GOSSIP = 7;

    private SwimCodec() {}

    public static byte[] encode(SwimMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (message instanceof SwimMessage.Ping ping) {
                out.writeByte(PING);
                out.writeLong(ping.seq());
            } else if (message instanceof SwimMessage.Ack ack) {
                out.writeByte(ACK);
                out.writeLong(ack.seq());
                out.writeLong(ack.wallMillis());
            } else if (message instanceof SwimMessage.PingReq request) {
                out.writeByte(PING_REQ);
                out.writeLong(request.seq());
                out.writeUTF(request.target());
                out.writeUTF(request.targetAddress());
            } else if (message instanceof SwimMessage.Nack nack) {
                out.writeByte(NACK);
                out.writeLong(nack.seq());
            } else if (message instanceof SwimMessage.Join) {
                out.writeByte(JOIN);
            } else if (message instanceof SwimMessage.Gossip) {
                out.writeByte(GOSSIP);
            } else {
                out.writeByte(JOIN_REPLY);
            }
            out.writeUTF(message.from());
            out.writeUTF(message.fromAddress());
            out.writeShort(message.updates().size());
            for (Update update : message.updates()) {
                out.writeUTF(update.id());
                out.writeUTF(update.address());
                out.writeLong(update.incarnation());
                out.writeByte(update.status().ordinal());
                out.writeUTF(update.from());
                out.writeShort(update.metadata().size());
                for (Map.Entry<String, String> entry : update.metadata().entrySet()) {
                    out.writeUTF(entry.getKey());
                    out.writeUTF(entry.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException if the bytes are not a version-1 message */
    public static SwimMessage decode(byte[] datagram, int length) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(datagram, 0, length))) {
            if (in.readUnsignedByte() != VERSION) {
                throw new IllegalArgumentException("unknown SWIM message version");
            }
            int type = in.readUnsignedByte();
            long seq = type == JOIN || type == JOIN_REPLY || type == GOSSIP ? 0 : in.readLong();
            long wallMillis = type == ACK ? in.readLong() : 0;
            String target = null;
            String targetAddress = null;
            if (type == PING_REQ) {
                target = in.readUTF();
                targetAddress = in.readUTF();
            }
            String from = in.readUTF();
            String fromAddress = in.readUTF();
            int count = in.readUnsignedShort();
            List<Update> updates = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                String address = in.readUTF();
                long incarnation = in.readLong();
                int status = in.readUnsignedByte();
                if (status >= MemberStatus.values().length) {
                    throw new IllegalArgumentException("unknown member status " + status);
                }
                String by = in.readUTF();
                int entries = in.readUnsignedShort();
                Map<String, String> metadata = new LinkedHashMap<>();
                for (int e = 0; e < entries; e++) {
                    metadata.put(in.readUTF(), in.readUTF());
                }
                updates.add(new Update(id, address, incarnation, MemberStatus.values()[status], by, metadata));
            }
            return switch (type) {
                case PING -> new SwimMessage.Ping(seq, from, fromAddress, updates);
                case ACK -> new SwimMessage.Ack(seq, from, fromAddress, updates, wallMillis);
                case PING_REQ -> new SwimMessage.PingReq(seq, target, targetAddress, from, fromAddress, updates);
                case NACK -> new SwimMessage.Nack(seq, from, fromAddress, updates);
                case JOIN -> new SwimMessage.Join(from, fromAddress, updates);
                case JOIN_REPLY -> new SwimMessage.JoinReply(from, fromAddress, updates);
                case GOSSIP -> new SwimMessage.Gossip(from, fromAddress, updates);
                default -> throw new IllegalArgumentException("unknown SWIM message type " + type);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated SWIM message", e);
        }
    }
}
