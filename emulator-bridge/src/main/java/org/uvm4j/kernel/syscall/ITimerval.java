package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.uvm.UvmException;

/** The x86-64 {@code struct itimerval} (32 bytes: it_interval, it_value). */
public record ITimerval(Timeval interval, Timeval value) {
  public static final int SIZE = 32;

  /** Copies one in from {@code va}. */
  public static ITimerval read(UserMemory m, long va) throws UvmException {
    ByteBuffer b = m.in(va, SIZE);
    return new ITimerval(
        new Timeval(b.getLong(0), b.getLong(8)), new Timeval(b.getLong(16), b.getLong(24)));
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    ByteBuffer b = m.buffer(SIZE);
    interval.put(b, 0);
    value.put(b, 16);
    return m.out(va, SIZE);
  }
}
