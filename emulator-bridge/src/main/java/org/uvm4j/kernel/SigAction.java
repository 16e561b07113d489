package org.uvm4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One signal's disposition as {@code rt_sigaction} sees it: the kernel's {@code struct k_sigaction}
 * on x86-64, 32 bytes: handler, flags, restorer, mask.
 */
public record SigAction(long handler, long flags, long restorer, long mask) {
  /** {@code sizeof(struct k_sigaction)}. */
  public static final int SIZE = 32;

  /** SIG_DFL with no flags. */
  public static final SigAction DEFAULT = new SigAction(Signals.SIG_DFL, 0, 0, 0);

  /** Reads the guest's layout. */
  public static SigAction fromBytes(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    return new SigAction(bb.getLong(0), bb.getLong(8), bb.getLong(16), bb.getLong(24));
  }

  /** The guest's layout. */
  public byte[] toBytes() {
    ByteBuffer bb = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    bb.putLong(0, handler).putLong(8, flags).putLong(16, restorer).putLong(24, mask);
    return bb.array();
  }

  public boolean isDefault() {
    return handler == Signals.SIG_DFL;
  }

  public boolean isIgnore() {
    return handler == Signals.SIG_IGN;
  }

  public boolean has(long flag) {
    return (flags & flag) != 0;
  }
}
