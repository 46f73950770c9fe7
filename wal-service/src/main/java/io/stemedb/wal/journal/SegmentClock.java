package io.stemedb.wal.journal;

import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The clock Chronicle uses to pick the cycle (segment file) to write: wall-clock time, but never
 * earlier than a floor. Raising the floor to the start of the next cycle starts a new segment
 * with the next write; that is how segments rotate by size, since Chronicle itself only rolls by
 * time. The floor also starts at the newest segment on disk, so a wall clock stepped backwards
 * never makes Chronicle write into an older segment than the last one.
 *
 * <p>Under size rotation segment names are cycle numbers that run ahead of the calendar.
 */
final class SegmentClock implements TimeProvider {

    private final TimeProvider wallClock;
    private volatile long floorMillis;

    SegmentClock(TimeProvider wallClock) {
        this.wallClock = wallClock;
    }

    /** Never report a time before {@code millis} again. */
    void raiseFloorTo(long millis) {
        if (millis > floorMillis) {
            floorMillis = millis;
        }
    }

    @Override
    public long currentTimeMillis() {
        return Math.max(wallClock.currentTimeMillis(), floorMillis);
    }

    @Override
    public long currentTimeMicros() {
        return currentTimeMillis() * 1_000;
    }

    @Override
    public long currentTimeNanos() {
        return currentTimeMillis() * 1_000_000;
    }
}
