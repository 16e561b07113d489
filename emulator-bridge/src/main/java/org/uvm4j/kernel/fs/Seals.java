package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * File seals of a memfd ({@code F_ADD_SEALS}/{@code F_GET_SEALS}), with Linux's rules ({@code
 * mm/memfd.c}): a seal once set stays; {@code F_SEAL_SEAL} forbids more seals; {@code
 * F_SEAL_SHRINK}/{@code F_SEAL_GROW} forbid making the file smaller/larger; {@code F_SEAL_WRITE}
 * forbids every write (and is refused, EBUSY, while a writable shared mapping exists); {@code
 * F_SEAL_FUTURE_WRITE} forbids new writes and new writable shared mappings but leaves existing
 * mappings writable. A memfd made without {@code MFD_ALLOW_SEALING} starts with {@code
 * F_SEAL_SEAL}.
 */
public final class Seals {
  public static final int F_SEAL_SEAL = 0x0001;
  public static final int F_SEAL_SHRINK = 0x0002;
  public static final int F_SEAL_GROW = 0x0004;
  public static final int F_SEAL_WRITE = 0x0008;
  public static final int F_SEAL_FUTURE_WRITE = 0x0010;
  public static final int F_SEAL_EXEC = 0x0020;

  /** Every seal Linux knows. */
  public static final int ALL =
      F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE | F_SEAL_EXEC;

  private int seals;

  /** Seals starting as {@code initial}. */
  public Seals(int initial) {
    this.seals = initial;
  }

  /** F_GET_SEALS. */
  public int get() {
    return seals;
  }

  /**
   * F_ADD_SEALS.
   *
   * @param writableFd the descriptor is open for writing (else EPERM, as Linux)
   * @param writablyMapped a shared mapping that may write the file exists (F_SEAL_WRITE: EBUSY)
   * @throws UvmException EINVAL (unknown seal bits), EPERM (sealed, or a read-only descriptor),
   *     EBUSY
   */
  public void add(int add, boolean writableFd, boolean writablyMapped) throws UvmException {
    if ((add & ~ALL) != 0) {
      throw new UvmException(Errno.EINVAL);
    }
    if (!writableFd || (seals & F_SEAL_SEAL) != 0) {
      throw new UvmException(Errno.EPERM);
    }
    if ((add & F_SEAL_WRITE) != 0 && (seals & F_SEAL_WRITE) == 0 && writablyMapped) {
      throw new UvmException(Errno.EBUSY);
    }
    seals |= add;
  }

  /** A write of the file's bytes (write, pwrite): EPERM under F_SEAL_WRITE/FUTURE_WRITE. */
  public void checkWrite() throws UvmException {
    if ((seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0) {
      throw new UvmException(Errno.EPERM);
    }
  }

  /** A change of size from {@code from} to {@code to}: EPERM under SHRINK/GROW. */
  public void checkResize(long from, long to) throws UvmException {
    if ((to < from && (seals & F_SEAL_SHRINK) != 0) || (to > from && (seals & F_SEAL_GROW) != 0)) {
      throw new UvmException(Errno.EPERM);
    }
  }

  /** Whether a new shared mapping may write (no F_SEAL_WRITE/FUTURE_WRITE). */
  public boolean sharedWriteAllowed() {
    return (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) == 0;
  }
}
