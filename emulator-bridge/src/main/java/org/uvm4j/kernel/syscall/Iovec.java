package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.uvm.UvmException;

/** One x86-64 {@code struct iovec} (16 bytes: iov_base, iov_len). */
public record Iovec(long base, long len) {
  public static final int SIZE = 16;

  /** Copies the one at {@code va} in. */
  public static Iovec read(UserMemory m, long va) throws UvmException {
    ByteBuffer b = m.in(va, SIZE);
    return new Iovec(b.getLong(0), b.getLong(8));
  }

  /** Copies it out to {@code va}: 0 or EFAULT. */
  public int write(UserMemory m, long va) {
    m.buffer(SIZE).putLong(0, base).putLong(8, len);
    return m.out(va, SIZE);
  }
}
