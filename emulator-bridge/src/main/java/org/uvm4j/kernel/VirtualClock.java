package org.uvm4j.kernel;

/**
 * Virtual time: one nanosecond per retired guest instruction, plus the time skipped when every
 * process sleeps. CLOCK_MONOTONIC and CLOCK_BOOTTIME are {@link #now()}, nanoseconds since boot;
 * CLOCK_REALTIME is {@link #epoch()} (its reading at boot, fixed for the whole run) plus the same
 * virtual time, so the wall clock advances exactly as the monotonic clock does. The clock itself
 * never reads the host's: the kernel chooses the epoch once (the host's wall clock at boot, or a
 * fixed instant for reproducible runs, see {@link KernelConfig#clockStart()}).
 */
public final class VirtualClock {
  /**
   * The fixed CLOCK_REALTIME at boot of reproducible runs ({@code --deterministic} without {@code
   * --clock-start}) and of the CPU-less test kernels: 2024-01-01T00:00:00Z.
   */
  public static final long FIXED_EPOCH_NS = 1_704_067_200L * 1_000_000_000L;

  private final long epoch;
  private long now;

  /** A clock whose CLOCK_REALTIME starts at {@link #FIXED_EPOCH_NS}. */
  public VirtualClock() {
    this(FIXED_EPOCH_NS);
  }

  /** A clock whose CLOCK_REALTIME reads {@code epochNs} (ns since 1970) at boot. */
  public VirtualClock(long epochNs) {
    this.epoch = epochNs;
  }

  /** CLOCK_REALTIME at boot, in nanoseconds since 1970-01-01T00:00:00Z. */
  public long epoch() {
    return epoch;
  }

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
    return epoch + now;
  }
}
