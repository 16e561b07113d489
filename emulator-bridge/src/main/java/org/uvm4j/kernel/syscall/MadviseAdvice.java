package org.uvm4j.kernel.syscall;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The Linux {@code MADV_*} values madvise accepts, each decoded into the UVM operation it means:
 * NORMAL/RANDOM/SEQUENTIAL set the paging {@link Advice}; WILLNEED only checks the range; DONTNEED
 * (any mapping) and FREE (private anonymous only) discard pages; DONTFORK and DOFORK set
 * inheritance NONE and back to the default; WIPEONFORK (private anonymous only) sets ZERO and
 * KEEPONFORK the default again. This is the only place that knows the {@code MADV_*} numbers.
 */
public enum MadviseAdvice {
  NORMAL(Mman.MADV_NORMAL),
  RANDOM(Mman.MADV_RANDOM),
  SEQUENTIAL(Mman.MADV_SEQUENTIAL),
  WILLNEED(Mman.MADV_WILLNEED),
  DONTNEED(Mman.MADV_DONTNEED),
  FREE(Mman.MADV_FREE),
  DONTFORK(Mman.MADV_DONTFORK),
  DOFORK(Mman.MADV_DOFORK),
  WIPEONFORK(Mman.MADV_WIPEONFORK),
  KEEPONFORK(Mman.MADV_KEEPONFORK);

  /** The Linux value. */
  public final int linux;

  MadviseAdvice(int linux) {
    this.linux = linux;
  }

  /**
   * The advice for a Linux {@code MADV_*} value.
   *
   * @throws UvmException EINVAL for a value madvise does not accept
   */
  public static MadviseAdvice decode(int advice) throws UvmException {
    for (MadviseAdvice a : values()) {
      if (a.linux == advice) {
        return a;
      }
    }
    throw new UvmException(Errno.EINVAL, "madvise: unknown advice " + advice);
  }

  /**
   * Applies this advice to {@code [addr, addr + len)} of {@code vm}.
   *
   * @return 0 or the positive errno of the UVM operation
   */
  public int apply(Vmspace vm, long addr, long len) {
    return switch (this) {
      case NORMAL -> vm.advise(addr, len, Advice.NORMAL);
      case RANDOM -> vm.advise(addr, len, Advice.RANDOM);
      case SEQUENTIAL -> vm.advise(addr, len, Advice.SEQUENTIAL);
      case WILLNEED -> vm.willNeed(addr, len);
      case DONTNEED -> vm.discard(addr, len, false);
      case FREE -> vm.discard(addr, len, true);
      case DONTFORK -> vm.minherit(addr, len, Inheritance.NONE);
      case DOFORK -> vm.minheritDefault(addr, len, Inheritance.NONE);
      case WIPEONFORK -> vm.minheritPrivateAnon(addr, len, Inheritance.ZERO);
      case KEEPONFORK -> vm.minheritDefault(addr, len, Inheritance.ZERO);
    };
  }
}
