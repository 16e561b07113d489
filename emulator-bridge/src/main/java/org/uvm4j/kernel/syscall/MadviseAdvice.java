package org.uvm4j.kernel.syscall;

import java.util.ArrayList;
import java.util.List;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/**
 * Every Linux 6.x {@code MADV_*} value, each decoded into the UVM operation it means or the errno
 * Linux gives for it here: NORMAL/RANDOM/SEQUENTIAL set the paging {@link Advice}; WILLNEED only
 * checks the range; DONTNEED (any mapping), DONTNEED_LOCKED (wired ranges too) and FREE (private
 * anonymous only) discard pages; DONTFORK and DOFORK set inheritance NONE and back to the default;
 * WIPEONFORK (private anonymous only) sets ZERO and KEEPONFORK the default again; POPULATE_READ and
 * POPULATE_WRITE fault the range in. PAGEOUT pages the range's private anonymous pages that only
 * this mapping holds out to swap now (without swap, or without a page daemon, it only checks the
 * range; a locked range is EINVAL); COLD is a hint that checks the range; DONTDUMP/DODUMP check the
 * range (there is no core dump); MERGEABLE, UNMERGEABLE (KSM), HUGEPAGE, NOHUGEPAGE and COLLAPSE
 * (transparent huge pages) are EINVAL, as on a kernel built without KSM and THP; REMOVE is EINVAL
 * (no mapping supports hole punching); HWPOISON and SOFT_OFFLINE are EPERM (CAP_SYS_ADMIN only).
 * The discarding ones are refused (EPERM) on sealed read-only anonymous memory. This is the only
 * place that knows the {@code MADV_*} numbers.
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
  DONTDUMP(Mman.MADV_DONTDUMP),
  DODUMP(Mman.MADV_DODUMP),
  WIPEONFORK(Mman.MADV_WIPEONFORK),
  KEEPONFORK(Mman.MADV_KEEPONFORK),
  COLD(Mman.MADV_COLD),
  PAGEOUT(Mman.MADV_PAGEOUT),
  POPULATE_READ(Mman.MADV_POPULATE_READ),
  POPULATE_WRITE(Mman.MADV_POPULATE_WRITE),
  DONTNEED_LOCKED(Mman.MADV_DONTNEED_LOCKED);

  /** The Linux value. */
  public final int linux;

  MadviseAdvice(int linux) {
    this.linux = linux;
  }

  /**
   * The advice for a Linux {@code MADV_*} value.
   *
   * @throws UvmException EINVAL for a value Linux does not define or that needs what uvm4j does not
   *     have (KSM, THP, hole punching), EPERM for HWPOISON and SOFT_OFFLINE
   */
  public static MadviseAdvice decode(int advice) throws UvmException {
    for (MadviseAdvice a : values()) {
      if (a.linux == advice) {
        return a;
      }
    }
    String why =
        switch (advice) {
          case Mman.MADV_REMOVE -> "MADV_REMOVE: no mapping here supports punching holes";
          case Mman.MADV_MERGEABLE, Mman.MADV_UNMERGEABLE -> "KSM advice: no KSM";
          case Mman.MADV_HUGEPAGE, Mman.MADV_NOHUGEPAGE, Mman.MADV_COLLAPSE ->
              "transparent huge page advice: no THP";
          case Mman.MADV_HWPOISON, Mman.MADV_SOFT_OFFLINE ->
              throw new UvmException(
                  Errno.EPERM, "madvise: memory-failure advice needs CAP_SYS_ADMIN");
          default -> "unknown advice";
        };
    throw new UvmException(Errno.EINVAL, "madvise " + advice + ": " + why);
  }

  /** Whether this advice discards or detaches memory (mm/mseal.c: is_madv_discard). */
  public boolean discards() {
    return switch (this) {
      case FREE, DONTNEED, DONTNEED_LOCKED, DONTFORK, WIPEONFORK -> true;
      default -> false;
    };
  }

  /**
   * Applies this advice to {@code [addr, addr + len)} of {@code vm}, with no page daemon (PAGEOUT
   * only checks the range).
   *
   * @return 0 or the positive errno of the UVM operation (or Linux's errno for the advice)
   */
  public int apply(Vmspace vm, long addr, long len) {
    return apply(vm, addr, len, null);
  }

  /**
   * Applies this advice to {@code [addr, addr + len)} of {@code vm}; PAGEOUT asks {@code pd}.
   *
   * @return 0 or the positive errno of the UVM operation (or Linux's errno for the advice)
   */
  public int apply(Vmspace vm, long addr, long len, PageDaemon pd) {
    if (discards()) {
      int sealed = vm.checkSealedDiscard(addr, len);
      if (sealed != 0) {
        return sealed;
      }
    }
    return switch (this) {
      case NORMAL -> vm.advise(addr, len, Advice.NORMAL);
      case RANDOM -> vm.advise(addr, len, Advice.RANDOM);
      case SEQUENTIAL -> vm.advise(addr, len, Advice.SEQUENTIAL);
      case WILLNEED, COLD, DONTDUMP, DODUMP -> vm.willNeed(addr, len);
      case PAGEOUT -> pageout(vm, addr, len, pd);
      case DONTNEED -> vm.discard(addr, len, false);
      case DONTNEED_LOCKED -> dontNeedLocked(vm, addr, len);
      case FREE -> vm.discard(addr, len, true);
      case DONTFORK -> vm.minherit(addr, len, Inheritance.NONE);
      case DOFORK -> vm.minheritDefault(addr, len, Inheritance.NONE);
      case WIPEONFORK -> vm.minheritPrivateAnon(addr, len, Inheritance.ZERO);
      case KEEPONFORK -> vm.minheritDefault(addr, len, Inheritance.ZERO);
      case POPULATE_READ -> vm.populate(addr, len, false);
      case POPULATE_WRITE -> vm.populate(addr, len, true);
    };
  }

  // mm/madvise.c: madvise_pageout
  private static int pageout(Vmspace vm, long addr, long len, PageDaemon pd) {
    List<VmPage> pages = new ArrayList<>();
    int err = vm.pageoutCandidates(addr, len, pages);
    if (err == 0 && pd != null && !pages.isEmpty()) {
      pd.pageout(pages);
    }
    return err;
  }

  /** MADV_DONTNEED_LOCKED: DONTNEED that also takes wired ranges (unwired first, as munlock). */
  private static int dontNeedLocked(Vmspace vm, long addr, long len) {
    int err = vm.discard(addr, len, false);
    if (err == Errno.EINVAL && (addr & 0xfff) == 0 && len > 0) {
      // a wired entry in the range: Linux drops the pages and keeps the range locked
      err = vm.munlock(addr, len);
      if (err == 0) {
        err = vm.discard(addr, len, false);
        if (err == 0) {
          err = vm.mlockOnFault(addr, len);
        }
      }
    }
    return err;
  }
}
