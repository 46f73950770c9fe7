package io.stemedb.wal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EntryFrameTest {

    private static final EntryToWrite ENTRY = new EntryToWrite(7, 1, "payload".getBytes(StandardCharsets.UTF_8));

    @Test
    void roundTripsIndexTermTypeAndPayload() {
        JournalEntry decoded = EntryFrame.decode(EntryFrame.encode(42, ENTRY));

        assertThat(decoded.index()).isEqualTo(42);
        assertThat(decoded.term()).isEqualTo(7);
        assertThat(decoded.type()).isEqualTo(1);
        assertThat(decoded.payload()).isEqualTo(ENTRY.payload());
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] frame = EntryFrame.encode(42, ENTRY);
        for (int bit = 0; bit < frame.length * 8; bit++) {
            byte[] damaged = frame.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> EntryFrame.decode(damaged))
                    .as("bit %d", bit)
                    .isInstanceOf(CorruptEntryException.class);
        }
    }

    @Test
    void truncatedFramesAreDetected() {
        byte[] frame = EntryFrame.encode(42, ENTRY);
        for (int length = 0; length < frame.length; length++) {
            byte[] cut = Arrays.copyOf(frame, length);
            assertThatThrownBy(() -> EntryFrame.decode(cut))
                    .as("length %d", length)
                    .isInstanceOf(CorruptEntryException.class);
        }
    }
}
