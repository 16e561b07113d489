package org.uvm4j.kernel.syscall;

/**
 * The x86-64 {@code struct rusage} (144 bytes) as uvm4j fills it: the user time, everything else
 * zero.
 */
public record Rusage(Timeval utime) {
  public static final int SIZE = 144;

  /** The user time of {@code instructions} at 1 ns each. */
  public static Rusage ofInstructions(long instructions) {
    long us = instructions / 1000;
    return new Rusage(new Timeval(us / 1_000_000, us % 1_000_000));
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    utime.put(m.buffer(SIZE), 0);
    return m.out(va, SIZE);
  }
}
