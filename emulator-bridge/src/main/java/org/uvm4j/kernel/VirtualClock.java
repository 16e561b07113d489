package org.uvm4j.kernel;

/**
 * Virtual time: one nanosecond per retired guest instruction, plus the time skipped when every
 * process sleeps. Nothing reads the host clock, so the same run gives the same times. The wall
 * clock starts at {@link #EPOCH_NS} (2024-01-01T00:00:00Z).
 */
public final class VirtualClock {
  /** CLOCK_REALTIME at boot. */
  public static final long EPOCH_NS = 1_704_067_200L * 1_000_000_000L;

  private long now;

  /** Nanoseconds since boot (CLOCK_MONOTONIC). */
  public long now() {
    return now;
  }

  /** Advances by {@code ns} (instructions run, or idle time). */
  public void advance(long ns) {
    if (ns < 0) {
      throw new IllegalArgumentException("time runs forward");
    }
    now += ns;
  }

  /** Advances to {@code t} if it is later. */
  public void advanceTo(long t) {
    if (t > now) {
      now = t;
    }
  }

  /** CLOCK_REALTIME in nanoseconds. */
  public long realtime() {
    return EPOCH_NS + now;
  }
}
