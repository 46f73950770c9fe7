package io.stemedb.common.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

    private static final long NOW = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();

    @Property
    void timestampsStrictlyIncreaseWhateverTheWallClockDoes(
            @ForAll @Size(min = 1, max = 300) List<@LongRange(min = -5_000, max = 5_000) Long> wallSteps,
            @ForAll @Size(max = 50) List<@LongRange(min = 0, max = 10_000) Long> observedOffsets) {
        AtomicLong wall = new AtomicLong(NOW);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        long previous = 0;
        for (int i = 0; i < wallSteps.size(); i++) {
            // The wall clock jumps forwards and backwards (NTP steps, VM pauses).
            wall.addAndGet(wallSteps.get(i));
            if (i < observedOffsets.size()) {
                long remote = HlcTimestamp.pack(NOW + observedOffsets.get(i), 0);
                clock.observe(remote);
                assertThat(clock.now()).isGreaterThan(remote);
            }
            long next = clock.now();
            assertThat(next).isGreaterThan(previous);
            assertThat(HlcTimestamp.physicalMillis(next)).isGreaterThanOrEqualTo(wall.get());
            previous = next;
        }
    }

    @Test
    void followsTheWallClockWhenItMovesForward() {
        AtomicLong wall = new AtomicLong(NOW);
        HybridLogicalClock clock = new HybridLogicalClock(wall::get);
        assertThat(clock.now()).isEqualTo(HlcTimestamp.pack(NOW, 0));
        assertThat(clock.now()).isEqualTo(HlcTimestamp.pack(NOW, 1));
        wall.set(NOW + 5);
        assertThat(clock.now()).isEqualTo(HlcTimestamp.pack(NOW + 5, 0));
    }

    @Test
    void logicalOverflowCarriesIntoTheNextMillisecond() {
        HybridLogicalClock clock = new HybridLogicalClock(() -> NOW);
        long last = 0;
        for (int i = 0; i <= 0xFFFF; i++) {
            last = clock.now();
        }
        assertThat(last).isEqualTo(HlcTimestamp.pack(NOW, 0xFFFF));
        long carried = clock.now();
        assertThat(carried).isEqualTo(HlcTimestamp.pack(NOW + 1, 0));
    }

    @Test
    void concurrentCallersNeverShareATimestamp() throws InterruptedException {
        HybridLogicalClock clock = new HybridLogicalClock(() -> NOW);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    seen.add(clock.now());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertThat(seen).hasSize(8 * 20_000);
    }

    @Test
    void textFormCarriesTheLogicalCounterAndRoundTrips() {
        long timestamp = HlcTimestamp.pack(Instant.parse("2026-11-25T10:47:00.123Z").toEpochMilli(), 4);
        assertThat(HlcTimestamp.format(timestamp)).isEqualTo("2026-11-25T10:47:00.123000004Z");
        assertThat(HlcTimestamp.parse("2026-11-25T10:47:00.123000004Z")).isEqualTo(timestamp);
        long zeroLogical = HlcTimestamp.pack(NOW, 0);
        assertThat(HlcTimestamp.parse(HlcTimestamp.format(zeroLogical))).isEqualTo(zeroLogical);
    }

    @Test
    void textFormIsExactlyTheInstantsOwnText() {
        java.util.Random random = new java.util.Random(20261202L);
        long[] edges = {0, HlcTimestamp.pack(0, 1), HlcTimestamp.pack(1_000, 0), HlcTimestamp.pack(1_001, 0),
                HlcTimestamp.pack(1_700_000_000_000L, 1_000), HlcTimestamp.pack(1_700_000_000_123L, 65_535),
                HlcTimestamp.pack(1_700_000_000_000L, 0), HlcTimestamp.pack(951_782_400_000L, 7), // 2000-02-29
                HlcTimestamp.pack((1L << 47) - 1, 65_535),
                -1L}; // not a timestamp this clock makes (year 10889), but one a packed long can hold
        for (long packed : edges) {
            assertThat(HlcTimestamp.format(packed)).isEqualTo(HlcTimestamp.toInstant(packed).toString());
        }
        for (int i = 0; i < 200_000; i++) {
            long millis = i % 2 == 0 ? (random.nextLong() >>> 17) : 1_600_000_000_000L + random.nextInt(Integer.MAX_VALUE);
            int logical = i % 3 == 0 ? 0 : random.nextInt(65_536);
            long packed = HlcTimestamp.pack(millis, logical);
            assertThat(HlcTimestamp.format(packed)).isEqualTo(HlcTimestamp.toInstant(packed).toString());
        }
    }

    @Test
    void textFormSortsLikeThePackedForm() {
        Set<String> texts = new HashSet<>();
        List<Long> packed = List.of(HlcTimestamp.pack(NOW, 0), HlcTimestamp.pack(NOW, 9), HlcTimestamp.pack(NOW, 10),
                HlcTimestamp.pack(NOW + 1, 0), HlcTimestamp.pack(NOW + 999, 65_535));
        List<Instant> parsed = new ArrayList<>();
        for (long value : packed) {
            texts.add(HlcTimestamp.format(value));
            parsed.add(Instant.parse(HlcTimestamp.format(value)));
        }
        assertThat(texts).hasSize(packed.size());
        assertThat(parsed).isSorted();
    }

    @Test
    void rejectsTextThatIsNotATimestamp() {
        assertThatThrownBy(() -> HlcTimestamp.parse("yesterday")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HlcTimestamp.parse("2026-11-25T10:47:00.123999999Z"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
