package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.uvm.UvmException;

/** The x86-64 {@code struct timeval} (16 bytes: tv_sec, tv_usec). */
public record Timeval(long sec, long usec) {
  public static final int SIZE = 16;
  static final long NS = 1_000_000_000L;
  static final long US = 1000L;

  /** {@code ns} nanoseconds (not negative), truncated to microseconds. */
  public static Timeval ofNanos(long ns) {
    return new Timeval(ns / NS, (ns % NS) / US);
  }

  /** Copies one in from {@code va}. */
  public static Timeval read(UserMemory m, long va) throws UvmException {
    ByteBuffer b = m.in(va, SIZE);
    return new Timeval(b.getLong(0), b.getLong(8));
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    put(m.buffer(SIZE), 0);
    return m.out(va, SIZE);
  }

  void put(ByteBuffer b, int at) {
    b.putLong(at, sec).putLong(at + 8, usec);
  }

  /** True when sec ≥ 0 and 0 ≤ usec < 1e6. */
  public boolean valid() {
    return sec >= 0 && usec >= 0 && usec < 1_000_000;
  }

  /** The value in ns, seconds capped so that nothing overflows. */
  public long toNanos() {
    return Math.min(sec, Long.MAX_VALUE / NS / 4) * NS + usec * US;
  }
}
