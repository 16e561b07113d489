package org.uvm4j.uvm.map;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.trace.Tracer;

/**
 * One process's address space ({@code struct vmspace}): a {@link VmMap} of the user range plus its
 * {@link Pmap}, and the Linux memory system calls on it (mmap, munmap, mprotect, minherit, madvise,
 * mlock, brk), fork by inheritance and copyin/copyout.
 *
 * <p>Every call checks its arguments the way Linux does and answers with an errno (positive, 0 on
 * success; mmap and brk return addresses, mmap returns {@code -errno}). Nothing here throws for bad
 * input; a {@link UvmPanic} means a broken invariant.
 */
public final class Vmspace {
  private static final Logger log = LogManager.getLogger("uvm.map");

  /** Lowest user address (page 0 is never mapped). */
  public static final long USER_MIN = 0x1000L;

  /** End of the user range. */
  public static final long USER_MAX = 0x7fff_ffff_f000L;

  /**
   * Where top-down searches for free space start (Linux's mmap_base: below the stack area, which
   * exec places just under {@link #USER_MAX}).
   */
  public static final long MMAP_BASE = 0x7f00_0000_0000L;

  static final long PAGE_MASK = VmMap.PAGE_SIZE - 1;

  private final Uvm uvm;
  private final Pmap pmap;
  private final VmMap map;
  private final FaultHandler faultHandler;
  private final GuestAccess guestAccess;
  private long brkBase;
  private long brkCur;
  private int refs = 1;

  private Vmspace(Uvm uvm, FaultHandler faultHandler) {
    this.uvm = uvm;
    this.pmap = new Pmap(uvm.physMem(), uvm.exp());
    this.map = new VmMap(pmap, services(uvm), USER_MIN, USER_MAX);
    this.faultHandler = faultHandler;
    this.guestAccess = new GuestAccess(this);
  }

  /** uvm_map.c: uvmspace_alloc — an empty address space with its own fault handler. */
  // uvm_map.c: uvmspace_alloc
  public static Vmspace create(Uvm uvm) {
    return new Vmspace(uvm, new FaultHandler(uvm));
  }

  /**
   * uvm_map.c: uvmspace_alloc — an empty address space whose faults (from copyin, mlock...) go
   * through {@code faultHandler}, e.g. the one the machine traces.
   */
  // uvm_map.c: uvmspace_alloc
  public static Vmspace create(Uvm uvm, FaultHandler faultHandler) {
    return new Vmspace(uvm, faultHandler);
  }

  public Pmap pmap() {
    return pmap;
  }

  public VmMap map() {
    return map;
  }

  public Uvm uvm() {
    return uvm;
  }

  /** The fault handler this address space's own accesses (copyin, mlock) go through. */
  public FaultHandler faultHandler() {
    return faultHandler;
  }

  /** The current program break. */
  public long brkCurrent() {
    return brkCur;
  }

  /** True once {@link #free()} released everything. */
  public boolean isFreed() {
    return refs == 0;
  }

  // ---------------------------------------------------------------- mmap and friends

  /**
   * uvm_mmap.c: sys_mmap + uvm_mmap — maps {@code len} bytes.
   *
   * <p>Anonymous mappings ({@code MAP_ANONYMOUS}) ignore {@code obj} and {@code off}: private ones
   * are copy-on-write entries whose amap is made at the first fault; shared ones get their amap at
   * once and are inherited shared. A private object mapping is copy-on-write over the object; a
   * shared object mapping maps its (read-only) pages directly, so PROT_WRITE fails with EACCES. The
   * map takes its own reference on {@code obj}.
   *
   * <p>Without MAP_FIXED the address is a hint: used if page aligned and free, otherwise the
   * highest free range below {@link #MMAP_BASE} (then anywhere) is taken.
   *
   * @return the address, or {@code -errno}: EINVAL (bad flags, length 0, misaligned fixed address
   *     or offset), EBADF (no object for a file mapping), EACCES (writable shared object mapping),
   *     ENOMEM (no space, beyond the user range, no memory), EPERM (fixed below the user range),
   *     EEXIST (MAP_FIXED_NOREPLACE over a mapping), EOVERFLOW (offset + length overflows)
   */
  // uvm_mmap.c: sys_mmap
  public long mmap(long addr, long len, int prot, int flags, UvmObject obj, long off) {
    checkLive();
    int type = flags & Mman.MAP_TYPE;
    if (type != Mman.MAP_SHARED && type != Mman.MAP_PRIVATE && type != Mman.MAP_SHARED_VALIDATE) {
      return -Errno.EINVAL;
    }
    if (type == Mman.MAP_SHARED_VALIDATE && (flags & ~Mman.MAP_KNOWN) != 0) {
      return -Errno.EINVAL;
    }
    if (len == 0 || (prot & ~Prot.ALL) != 0 || (off & PAGE_MASK) != 0) {
      return -Errno.EINVAL;
    }
    long size = roundPage(len);
    if (size <= 0 || size > USER_MAX - USER_MIN) {
      return -Errno.ENOMEM;
    }
    boolean shared = type != Mman.MAP_PRIVATE;
    boolean anon = (flags & Mman.MAP_ANONYMOUS) != 0;
    if (anon) {
      obj = null;
      off = 0;
    } else if (obj == null) {
      return -Errno.EBADF;
    } else if (off < 0 || off + size < off) {
      return -Errno.EOVERFLOW;
    }
    int maxProt = Prot.ALL;
    if (obj != null && shared) {
      maxProt = Prot.READ | Prot.EXEC; // objects are read-only files
      if ((prot & Prot.WRITE) != 0) {
        return -Errno.EACCES;
      }
    }
    boolean fixed = (flags & (Mman.MAP_FIXED | Mman.MAP_FIXED_NOREPLACE)) != 0;
    if (fixed) {
      if ((addr & PAGE_MASK) != 0) {
        return -Errno.EINVAL;
      }
      if (addr < USER_MIN) {
        return -Errno.EPERM;
      }
      if (addr > USER_MAX || size > USER_MAX - addr) {
        return -Errno.ENOMEM;
      }
    }
    int uvmFlags;
    if (anon && shared) {
      uvmFlags = VmMap.FLAG_OVERLAY;
    } else if (shared) {
      uvmFlags = 0;
    } else {
      uvmFlags = VmMap.FLAG_COPYONW;
    }
    Inheritance inh = shared ? Inheritance.SHARE : Inheritance.COPY;
    List<VmMapEntry> dead = List.of();
    long start;
    map.lock();
    try {
      if (fixed) {
        start = addr;
        if (!map.isFree(start, start + size)) {
          if ((flags & Mman.MAP_FIXED_NOREPLACE) != 0) {
            return -Errno.EEXIST;
          }
          Wiring.unwireRange(this, start, start + size);
          dead = map.unmapRemove(start, start + size);
        }
      } else {
        start = chooseAddress(addr, size);
        if (start < 0) {
          return -Errno.ENOMEM;
        }
      }
      if (obj != null) {
        obj.reference();
      }
      int err = map.enter(start, size, obj, off, prot, maxProt, inh, Advice.NORMAL, uvmFlags);
      if (err != 0) {
        if (obj != null) {
          obj.detach();
        }
        return -err;
      }
    } finally {
      map.unlock();
      VmMap.unmapDetach(dead);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "mmap {}..{} {} flags=0x{} obj={}",
          VmMap.hex(start),
          VmMap.hex(start + size),
          Prot.toString(prot),
          Integer.toHexString(flags),
          obj);
    }
    if ((flags & Mman.MAP_LOCKED) != 0) {
      mlock(start, size); // like Linux, a failure to populate does not fail the mmap
    }
    if ((flags & Mman.MAP_POPULATE) != 0 && prot != Prot.NONE) {
      populate(start, start + size, prot, shared);
    }
    return start;
  }

  private long chooseAddress(long hint, long size) {
    if (hint != 0) {
      long h = hint & ~PAGE_MASK;
      if (h >= USER_MIN && h <= USER_MAX - size && map.isFree(h, h + size)) {
        return h;
      }
    }
    long a = map.findSpace(MMAP_BASE, size, true);
    if (a < 0) {
      a = map.findSpace(MMAP_BASE, size, false);
    }
    return a;
  }

  /** MAP_POPULATE: fault every page in now (write faults for private writable mappings). */
  private void populate(long start, long end, int prot, boolean shared) {
    int access = (prot & Prot.WRITE) != 0 && !shared ? Prot.WRITE : Prot.READ;
    if ((prot & Prot.READ) == 0 && access == Prot.READ) {
      access = (prot & Prot.WRITE) != 0 ? Prot.WRITE : Prot.EXEC;
    }
    for (long va = start; va < end; va += VmMap.PAGE_SIZE) {
      if (faultHandler.fault(this, va, access) != FaultResult.OK) {
        return;
      }
    }
  }

  /**
   * uvm_mmap.c: sys_munmap — removes every mapping in {@code [addr, addr + len)}; holes are fine.
   * Partly covered entries are clipped (their amap reference split, then the removed part's pages
   * released once no entry maps them).
   *
   * @return 0, or EINVAL (misaligned address, length 0, range outside the user space)
   */
  // uvm_mmap.c: sys_munmap
  public int munmap(long addr, long len) {
    checkLive();
    if ((addr & PAGE_MASK) != 0 || len <= 0) {
      return Errno.EINVAL;
    }
    long size = roundPage(len);
    if (size <= 0 || addr > USER_MAX || size > USER_MAX - addr) {
      return Errno.EINVAL;
    }
    Tracer t = uvm.tracer();
    long t0 = t == null ? 0 : t.mapOpBegin(this);
    List<VmMapEntry> dead;
    map.lock();
    try {
      Wiring.unwireRange(this, addr, addr + size);
      dead = map.unmapRemove(addr, addr + size);
    } finally {
      map.unlock();
    }
    VmMap.unmapDetach(dead);
    if (t != null) {
      t.munmap(this, addr, addr + size, dead.size(), t0);
    }
    return 0;
  }

  /**
   * uvm_mmap.c: sys_mprotect — sets the protection of {@code [addr, addr + len)}. Changes nothing
   * when it fails. Raising a wired range to writable resolves its copy-on-write now (the pages stay
   * wired and writable without faults).
   *
   * @return 0, or EINVAL (misaligned, bad prot bits), ENOMEM (part of the range unmapped or outside
   *     the user space), EACCES (exceeds a mapping's maximum protection)
   */
  // uvm_mmap.c: sys_mprotect
  public int mprotect(long addr, long len, int prot) {
    checkLive();
    if ((addr & PAGE_MASK) != 0 || (prot & ~Prot.ALL) != 0) {
      return Errno.EINVAL;
    }
    if (len == 0) {
      return 0;
    }
    long size = roundPage(len);
    if (len < 0 || size <= 0 || addr > USER_MAX || size > USER_MAX - addr) {
      return Errno.ENOMEM;
    }
    long end = addr + size;
    map.lock();
    try {
      if (!map.isFullyMapped(addr, end)) {
        return Errno.ENOMEM;
      }
      Tracer t = uvm.tracer();
      long t0 = t == null ? 0 : t.mapOpBegin(this);
      int err = map.protect(addr, end, prot, false);
      if (err != 0) {
        return err;
      }
      int rewired = Wiring.rewire(this, addr, end);
      if (t != null) {
        t.mprotect(this, addr, end, prot, rewired, t0);
      }
      return rewired;
    } finally {
      map.unlock();
    }
  }

  /**
   * uvm_mmap.c: sys_minherit — sets what a child gets of {@code [addr, addr + len)} at fork.
   *
   * @return 0, or EINVAL (misaligned, bad range), ENOMEM (part of the range unmapped)
   */
  // uvm_mmap.c: sys_minherit
  public int minherit(long addr, long len, Inheritance inh) {
    checkLive();
    if ((addr & PAGE_MASK) != 0 || inh == null) {
      return Errno.EINVAL;
    }
    if (len == 0) {
      return 0;
    }
    long size = roundPage(len);
    if (len < 0 || size <= 0 || addr > USER_MAX || size > USER_MAX - addr) {
      return Errno.EINVAL;
    }
    map.lock();
    try {
      if (!map.isFullyMapped(addr, addr + size)) {
        return Errno.ENOMEM;
      }
      map.inherit(addr, addr + size, inh);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /**
   * uvm_mmap.c: sys_madvise with Linux's advice values: NORMAL/RANDOM/SEQUENTIAL set the fault
   * neighbourhood; WILLNEED is accepted; DONTNEED (and FREE, private anonymous only) drop the
   * range's private pages so that the next touch sees zeros (anonymous) or the object's contents
   * (private file mapping) — shared mappings only lose their translations; DONTFORK and DOFORK set
   * inheritance NONE and back to the mapping's default; WIPEONFORK (private anonymous only) sets
   * ZERO and KEEPONFORK the default again.
   *
   * @return 0, or EINVAL (misaligned, unknown advice, WIPEONFORK/FREE on a non-private-anonymous
   *     mapping, DONTNEED on a locked range), ENOMEM (part of the range unmapped)
   */
  // uvm_mmap.c: sys_madvise
  public int madvise(long addr, long len, int advice) {
    checkLive();
    if ((addr & PAGE_MASK) != 0 || len < 0) {
      return Errno.EINVAL;
    }
    switch (advice) {
      case Mman.MADV_NORMAL,
          Mman.MADV_RANDOM,
          Mman.MADV_SEQUENTIAL,
          Mman.MADV_WILLNEED,
          Mman.MADV_DONTNEED,
          Mman.MADV_FREE,
          Mman.MADV_DONTFORK,
          Mman.MADV_DOFORK,
          Mman.MADV_WIPEONFORK,
          Mman.MADV_KEEPONFORK -> {}
      default -> {
        return Errno.EINVAL;
      }
    }
    if (len == 0) {
      return 0;
    }
    long size = roundPage(len);
    if (size <= 0 || addr > USER_MAX || size > USER_MAX - addr) {
      return Errno.EINVAL;
    }
    long end = addr + size;
    List<VmMapEntry> dead = List.of();
    map.lock();
    try {
      if (!map.isFullyMapped(addr, end)) {
        return Errno.ENOMEM;
      }
      List<VmMapEntry> range = map.entriesIn(addr, end);
      switch (advice) {
        case Mman.MADV_NORMAL, Mman.MADV_RANDOM, Mman.MADV_SEQUENTIAL ->
            map.advise(addr, end, advice);
        case Mman.MADV_WILLNEED -> {}
        case Mman.MADV_DONTNEED, Mman.MADV_FREE -> {
          for (VmMapEntry e : range) {
            if (e.isWired()
                || (advice == Mman.MADV_FREE && (e.object != null || e.isSharedMapping()))) {
              return Errno.EINVAL;
            }
          }
          dead = dontNeed(addr, end);
        }
        case Mman.MADV_DONTFORK -> map.inherit(addr, end, Inheritance.NONE);
        case Mman.MADV_DOFORK, Mman.MADV_KEEPONFORK -> {
          // DOFORK undoes DONTFORK (NONE), KEEPONFORK undoes WIPEONFORK (ZERO)
          Inheritance undo = advice == Mman.MADV_DOFORK ? Inheritance.NONE : Inheritance.ZERO;
          for (VmMapEntry e : range) {
            if (e.inheritance == undo) {
              map.clipStart(e, addr);
              map.clipEnd(e, end);
              e.inheritance = e.isSharedMapping() ? Inheritance.SHARE : Inheritance.COPY;
            }
          }
        }
        case Mman.MADV_WIPEONFORK -> {
          for (VmMapEntry e : range) {
            if (e.object != null || e.isSharedMapping()) {
              return Errno.EINVAL;
            }
          }
          map.inherit(addr, end, Inheritance.ZERO);
        }
        default -> throw new UvmPanic("madvise: advice checked above");
      }
      return 0;
    } finally {
      map.unlock();
      detachAmaps(dead);
    }
  }

  /**
   * MADV_DONTNEED: shared mappings lose their translations only; a private entry's part in the
   * range drops its amap reference (pages nobody else maps are freed) and becomes NEEDSCOPY with no
   * amap again, so the next touch zero-fills (or reads the object).
   *
   * @return the entries whose amap reference the caller drops after unlocking the map (copies
   *     holding only the aref)
   */
  private List<VmMapEntry> dontNeed(long start, long end) {
    List<VmMapEntry> drop = new ArrayList<>();
    for (VmMapEntry e : map.entriesIn(start, end)) {
      boolean privateAmap = e.copyOnWrite() && e.aref.amap != null && !e.aref.amap.isShared();
      if (!privateAmap) {
        pmap.remove(Math.max(start, e.start), Math.min(end, e.end));
        continue;
      }
      map.clipStart(e, start);
      map.clipEnd(e, end);
      pmap.remove(e.start, e.end);
      VmMapEntry holder = e.duplicate();
      holder.object = null;
      drop.add(holder);
      e.aref.amap = null;
      e.aref.pageOffset = 0;
      e.etype |= VmMapEntry.NEEDSCOPY;
    }
    return drop;
  }

  private static void detachAmaps(List<VmMapEntry> holders) {
    for (VmMapEntry h : holders) {
      h.aref.amap.unref(h.aref.pageOffset, h.pages(), false);
      h.aref.amap = null;
    }
  }

  /**
   * uvm_mmap.c: sys_mlock → uvm_map_pageable — wires {@code [addr, addr + len)} (rounded out to
   * pages): every page is faulted in (copy-on-write resolved for writable mappings, shared anons
   * copied) and its page wired, so it stays resident and mapped. Wiring is not counted: a second
   * mlock changes nothing, one munlock undoes it.
   *
   * @return 0, or ENOMEM (part of the range unmapped, or no memory: nothing stays wired), EINVAL
   *     (range wraps)
   */
  // uvm_mmap.c: sys_mlock
  public int mlock(long addr, long len) {
    checkLive();
    long start = addr & ~PAGE_MASK;
    long end = roundPage(addr + len);
    if (len < 0 || end < start || addr + len < addr) {
      return Errno.EINVAL;
    }
    if (start == end) {
      return 0;
    }
    map.lock();
    try {
      if (start < USER_MIN || end > USER_MAX || !map.isFullyMapped(start, end)) {
        return Errno.ENOMEM;
      }
      return Wiring.wireRange(this, start, end);
    } finally {
      map.unlock();
    }
  }

  /**
   * uvm_mmap.c: sys_munlock — unwires {@code [addr, addr + len)}.
   *
   * @return 0, or ENOMEM (part of the range unmapped), EINVAL (range wraps)
   */
  // uvm_mmap.c: sys_munlock
  public int munlock(long addr, long len) {
    checkLive();
    long start = addr & ~PAGE_MASK;
    long end = roundPage(addr + len);
    if (len < 0 || end < start || addr + len < addr) {
      return Errno.EINVAL;
    }
    if (start == end) {
      return 0;
    }
    map.lock();
    try {
      if (start < USER_MIN || end > USER_MAX || !map.isFullyMapped(start, end)) {
        return Errno.ENOMEM;
      }
      Wiring.unwireRange(this, start, end);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /** Set by exec: the program break starts at {@code base} (the end of the loaded image). */
  public void setBrkBase(long base) {
    checkLive();
    UvmPanic.check(base >= USER_MIN && base < USER_MAX, "setBrkBase: base inside user range");
    brkBase = base;
    brkCur = base;
  }

  /**
   * uvm_unix.c: sys_obreak with Linux's brk semantics — moves the break to {@code newBrk} and
   * returns the new break, or the unchanged one when the request is refused (below the base,
   * overlapping another mapping, no memory). Growth maps copy-on-write anonymous memory with a
   * padded amap ({@code UVM_FLAG_AMAPPAD}), so consecutive growths extend one entry in place.
   */
  // uvm_unix.c: sys_obreak
  public long brk(long newBrk) {
    checkLive();
    if (brkBase == 0 || newBrk < brkBase || newBrk >= USER_MAX) {
      return brkCur;
    }
    long oldTop = roundPage(brkCur);
    long newTop = roundPage(newBrk);
    if (newTop < oldTop) {
      munmap(newTop, oldTop - newTop);
    } else if (newTop > oldTop) {
      map.lock();
      try {
        if (!map.isFree(oldTop, newTop)) {
          return brkCur;
        }
        int err =
            map.enter(
                oldTop,
                newTop - oldTop,
                null,
                0,
                Prot.RW,
                Prot.ALL,
                Inheritance.COPY,
                Advice.NORMAL,
                VmMap.FLAG_OVERLAY | VmMap.FLAG_COPYONW | VmMap.FLAG_AMAPPAD);
        if (err != 0) {
          return brkCur;
        }
      } finally {
        map.unlock();
      }
    }
    brkCur = newBrk;
    return brkCur;
  }

  // ---------------------------------------------------------------- fork and exit

  /**
   * uvm_map.c: uvmspace_fork — a child address space built from this one by each entry's
   * inheritance (see {@link VmspaceFork}).
   *
   * @return the child, or null when memory ran out (nothing of the child remains)
   */
  // uvm_map.c: uvmspace_fork
  public Vmspace fork() {
    checkLive();
    Tracer t = uvm.tracer();
    long t0 = t == null ? 0 : t.now();
    Vmspace child = new Vmspace(uvm, faultHandler);
    child.brkBase = brkBase;
    child.brkCur = brkCur;
    if (!VmspaceFork.fork(this, child)) {
      child.free();
      return null;
    }
    if (t != null) {
      t.fork(this, child, t0);
    }
    return child;
  }

  /** uvm_map.c: uvmspace_addref — one more holder (e.g. a vfork child borrowing this space). */
  // uvm_map.c: uvmspace_addref
  public void reference() {
    checkLive();
    refs++;
  }

  /**
   * uvm_map.c: uvmspace_free — drops one reference; the last one unwires and unmaps everything,
   * removing every translation and releasing every amap and object reference.
   */
  // uvm_map.c: uvmspace_free
  public void free() {
    checkLive();
    if (--refs > 0) {
      return;
    }
    List<VmMapEntry> dead;
    map.lock();
    try {
      Wiring.unwireRange(this, USER_MIN, USER_MAX);
      dead = map.unmapRemove(USER_MIN, USER_MAX);
      pmap.remove(USER_MIN, USER_MAX);
      pmap.update();
    } finally {
      map.unlock();
    }
    VmMap.unmapDetach(dead);
  }

  // ---------------------------------------------------------------- copyin/copyout

  /**
   * copyin: copies {@code len} guest bytes at {@code va} into {@code dst[off..]}, faulting pages in
   * as the guest's own reads would.
   *
   * @return 0, or EFAULT (some byte not readable; {@code dst} may be partly written)
   */
  public int copyin(long va, byte[] dst, int off, int len) {
    return guestAccess.copyin(va, dst, off, len);
  }

  /**
   * copyout: copies {@code src[off..off+len)} to the guest at {@code va} as the guest's own writes
   * would (copy-on-write faults included).
   *
   * @return 0, or EFAULT (some byte not writable; a prefix may have been written)
   */
  public int copyout(long va, byte[] src, int off, int len) {
    return guestAccess.copyout(va, src, off, len);
  }

  /**
   * copyinstr: copies a NUL-terminated guest string at {@code va} into {@code dst} (NUL included
   * when it fits).
   *
   * @return the string length without the NUL, or {@code -EFAULT}, or {@code -ENAMETOOLONG} when no
   *     NUL occurs within {@code max} bytes
   */
  public int copyinstr(long va, byte[] dst, int max) {
    return guestAccess.copyinstr(va, dst, max);
  }

  // ---------------------------------------------------------------- helpers

  /** The VM system seen as the amap layer's services ({@code Uvm implements UvmServices}). */
  public static UvmServices services(Uvm uvm) {
    return uvm;
  }

  private void checkLive() {
    UvmPanic.check(refs > 0, "vmspace used after free");
  }

  /** Rounds up to a page; a negative result means overflow. */
  static long roundPage(long v) {
    if (v > Long.MAX_VALUE - PAGE_MASK) {
      return -1;
    }
    return (v + PAGE_MASK) & ~PAGE_MASK;
  }

  @Override
  public String toString() {
    return "Vmspace" + map;
  }
}
