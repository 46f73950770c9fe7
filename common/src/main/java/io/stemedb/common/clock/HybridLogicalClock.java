package io.stemedb.common.clock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014).
 *
 * <p>Timestamps are packed into a long as {@code physicalMillis << 16 | logical} (see
 * {@link HlcTimestamp}). In that packing the paper's rules collapse to arithmetic on one number:
 * a local event takes {@code max(last + 1, wall << 16)}, and when the 16-bit logical counter would
 * overflow, the carry moves the physical part one millisecond ahead of the wall clock, which keeps
 * the clock strictly monotonic and lets it fall back into step as soon as the wall clock passes.
 *
 * <p>Thread-safe and lock-free. The wall clock is injected so that tests and simulations control
 * time.
 */
public final class HybridLogicalClock {

    private final LongSupplier wallClockMillis;
    private final AtomicLong last = new AtomicLong();

    public HybridLogicalClock(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
    }

    public static HybridLogicalClock systemClock() {
        return new HybridLogicalClock(System::currentTimeMillis);
    }

    /** A new timestamp for a local event, strictly greater than every timestamp seen before. */
    public long now() {
        long wall = HlcTimestamp.pack(wallClockMillis.getAsLong(), 0);
        return last.accumulateAndGet(wall, (previous, wallNow) -> Math.max(previous + 1, wallNow));
    }

    /**
     * Witnesses a timestamp seen elsewhere (in the journal at start-up, or from another node)
     * without creating an event: every later {@link #now()} is greater than it.
     */
    public void observe(long timestamp) {
        last.accumulateAndGet(timestamp, Math::max);
    }

    /** The greatest timestamp issued or observed so far (0 before any). */
    public long latest() {
        return last.get();
    }
}
