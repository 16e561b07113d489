package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.uvm.UvmException;

/** The {@code struct rlimit} of prlimit64/getrlimit (16 bytes: rlim_cur, rlim_max, unsigned). */
public record RLimit(long cur, long max) {
  public static final int SIZE = 16;

  /** Copies one in from {@code va}. */
  public static RLimit read(UserMemory m, long va) throws UvmException {
    ByteBuffer b = m.in(va, SIZE);
    return new RLimit(b.getLong(0), b.getLong(8));
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    m.buffer(SIZE).putLong(0, cur).putLong(8, max);
    return m.out(va, SIZE);
  }
}
