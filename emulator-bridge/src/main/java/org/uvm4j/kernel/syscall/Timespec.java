package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.uvm.UvmException;

/** The x86-64 {@code struct timespec} (16 bytes: tv_sec, tv_nsec). */
public record Timespec(long sec, long nsec) {
  public static final int SIZE = 16;
  static final long NS = 1_000_000_000L;

  /** {@code ns} nanoseconds (not negative) as a timespec. */
  public static Timespec ofNanos(long ns) {
    return new Timespec(ns / NS, ns % NS);
  }

  /** Copies one in from {@code va}. */
  public static Timespec read(UserMemory m, long va) throws UvmException {
    ByteBuffer b = m.in(va, SIZE);
    return new Timespec(b.getLong(0), b.getLong(8));
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    m.buffer(SIZE).putLong(0, sec).putLong(8, nsec);
    return m.out(va, SIZE);
  }

  /** True when it is a valid duration or time: sec ≥ 0 and 0 ≤ nsec < 1e9. */
  public boolean valid() {
    return sec >= 0 && nsec >= 0 && nsec < NS;
  }

  /** The value in ns, saturated far below overflow (for a valid timespec). */
  public long toNanos() {
    return sec > Long.MAX_VALUE / NS - 1 ? Long.MAX_VALUE / 2 : sec * NS + nsec;
  }
}
