package org.uvm4j.uvm.map;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.observe.VmObserver;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;

/**
 * One process's address space ({@code struct vmspace}): a {@link VmMap} of the user range plus its
 * {@link Pmap}, and the UVM operations on it in NetBSD's terms: {@code uvm_mmap} of a {@link
 * MapRequest}, unmap, protect, inherit, advice, wiring ({@code uvm_map_pageable}, {@code
 * uvm_map_pageable_all}), remap, the program break, fork by inheritance and copyin/copyout.
 *
 * <p>Nothing here knows Linux: the syscall edge decodes {@code MAP_*}/{@code MADV_*} into these
 * calls. Error convention (docs/design.md, Conventions): an operation without a result returns an
 * {@code int} errno (0 on success, a positive {@link Errno} value on failure); one with a result
 * that can fail throws {@link UvmException}. Nothing here throws for bad input otherwise; a {@link
 * UvmPanic} means a broken invariant.
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

  /**
   * Linux's default {@code vm.max_map_count}: an address space holds at most about this many
   * entries. As in Linux, {@code mmap} and {@code brk} fail with ENOMEM once the map holds more,
   * and an operation that would split entries beyond it (munmap in the middle of an entry,
   * mprotect, madvise, minherit, mlock of part of one) fails with ENOMEM, changing nothing.
   */
  public static final int MAX_MAP_COUNT = 65_530;

  /** {@link #residency}: no entry contains the address. */
  public static final int PAGE_UNMAPPED = -1;

  /** {@link #residency}: mapped, but no page is resident there (never touched, or paged out). */
  public static final int PAGE_ABSENT = 0;

  /** {@link #residency}: a page is resident there. */
  public static final int PAGE_RESIDENT = 1;

  /** Linux's {@code stack_guard_gap}: 256 pages kept free below a growing stack. */
  public static final long STACK_GUARD_GAP = 256 * VmMap.PAGE_SIZE;

  static final long PAGE_MASK = VmMap.PAGE_SIZE - 1;

  private final Uvm uvm;
  private final Pmap pmap;
  private final VmMap map;
  private final FaultService faultHandler;
  private final GuestAccess guestAccess;
  private long brkBase;
  private long brkCur;
  private int refs = 1;

  /** mlockall(MCL_FUTURE | MCL_ONFAULT): new mappings are locked on fault rather than wired. */
  private volatile boolean lockOnFaultFuture;

  /** Memory-deny-write-execute ({@link #denyWriteExec}). */
  private volatile boolean denyWriteExec;

  private volatile boolean denyWriteExecNoInherit;

  /** The lowest address the grow-down stack may reach (RLIMIT_STACK at exec); 0 for none. */
  private long stackFloor;

  private Vmspace(Uvm uvm, FaultService faultHandler) {
    this.uvm = uvm;
    this.pmap = new Pmap(uvm.physMem(), uvm.exp(), uvm.metadataBudget());
    this.map = new VmMap(pmap, services(uvm), USER_MIN, USER_MAX);
    this.faultHandler = faultHandler;
    this.guestAccess = new GuestAccess(this);
  }

  /**
   * uvm_map.c: uvmspace_alloc — an empty address space whose faults (from copyin, mlock...) go
   * through {@code faultHandler} (a {@code FaultHandler}; one per CPU thread, e.g. the one the
   * machine traces).
   */
  // uvm_map.c: uvmspace_alloc
  public static Vmspace create(Uvm uvm, FaultService faultHandler) {
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
  public FaultService faultHandler() {
    return faultHandler;
  }

  /** Where the program break starts (the end of the loaded image; 0 before exec). */
  public long brkBase() {
    return brkBase;
  }

  /** The current program break. */
  public long brkCurrent() {
    return brkCur;
  }

  /**
   * Estimated Java heap this address space's metadata holds: its page table and pv entries, its map
   * entries, and the storage and anons of every amap it references (an amap or anon shared with
   * other spaces counts in each, as Linux counts shared pages in each sharer's RSS). Walks the map:
   * for reports, not for the fault path.
   */
  public long metadataBytes() {
    map.lock();
    try {
      long n = pmap.tableBytes() + (long) map.entryCount() * VmMapEntry.BYTES;
      java.util.Map<Amap, Boolean> seen = new java.util.IdentityHashMap<>();
      for (VmMapEntry e : map.entries()) {
        Amap a = e.aref.amap;
        if (a != null && seen.put(a, Boolean.TRUE) == null) {
          n += a.storageBytes() + a.nused() * AmapAllocator.ANON_BYTES; // its anons too
        }
      }
      return n;
    } finally {
      map.unlock();
    }
  }

  /** True once {@link #free()} released everything. */
  public boolean isFreed() {
    return refs == 0;
  }

  // ---------------------------------------------------------------- mmap and friends

  /**
   * uvm_mmap.c: uvm_mmap — maps {@code req.size()} bytes (rounded up to pages) as {@code req} says,
   * and returns the start.
   *
   * <p>Anonymous mappings ({@code req.object() == null}): private ones are copy-on-write entries
   * whose amap is made at the first fault; shared ones get their amap at once ({@code
   * UVM_FLAG_OVERLAY}). A private object mapping is copy-on-write over the object; a shared object
   * mapping maps its pages directly. The map takes its own reference on the object.
   *
   * <p>{@link Placement#HINT}: the address is used if page aligned and free, otherwise the highest
   * free range below {@link #MMAP_BASE} (then anywhere) is taken. {@link Placement#FIXED} unmaps
   * whatever was in the range; {@link Placement#FIXED_NOREPLACE} fails instead.
   *
   * <p>A wired request (or any request once {@link #mlockall} asked for future mappings to be
   * wired) is wired like {@link #mlock}, unless its protection is {@link Prot#NONE}; if that fails
   * the new mapping is removed again. A populated request has every page faulted in (failures to
   * populate are not errors).
   *
   * @throws UvmException EINVAL (size 0, bad prot/maxprot bits or advice, misaligned offset or
   *     fixed address), ENOMEM (no space, beyond the user range, no memory for an amap), EPERM
   *     (fixed below the user range), EACCES ({@code prot} exceeds {@code maxProt}, or is writable
   *     for a shared object mapping: objects are read-only), EEXIST (fixed-noreplace over a
   *     mapping), EOVERFLOW (offset + size overflows), EAGAIN (the wired range could not be wired;
   *     nothing stays mapped)
   */
  // uvm_mmap.c: uvm_mmap
  public long mmap(MapRequest req) throws UvmException {
    checkLive();
    return mmap(req, true);
  }

  /** uvm_mmap with or without the map's wire-future flag (remap's growth keeps its own wiring). */
  private long mmap(MapRequest req, boolean wireFuture) throws UvmException {
    int prot = req.prot();
    int maxProt = req.maxProt();
    if (req.size() == 0
        || (prot & ~Prot.ALL) != 0
        || (maxProt & ~Prot.ALL) != 0
        || !Advice.isValid(req.advice())
        || (req.offset() & PAGE_MASK) != 0) {
      throw new UvmException(Errno.EINVAL, "mmap: bad size, protection, advice or offset");
    }
    long size = roundPage(req.size());
    if (size <= 0 || size > USER_MAX - USER_MIN) {
      throw new UvmException(Errno.ENOMEM, "mmap: size beyond the user range");
    }
    UvmObject obj = req.object();
    long off = obj == null ? 0 : req.offset();
    if (obj != null && (off < 0 || off + size < off)) {
      throw new UvmException(Errno.EOVERFLOW, "mmap: offset + size overflows");
    }
    if (obj != null && req.shared() && !obj.isWritable()) {
      // a file image has no pager output: a shared mapping of it is read-only (an aobj is writable)
      maxProt &= ~Prot.WRITE;
    }
    if ((prot & ~maxProt) != 0) {
      throw new UvmException(Errno.EACCES, "mmap: prot exceeds maxprot");
    }
    if (denyWriteExec && (prot & (Prot.WRITE | Prot.EXEC)) == (Prot.WRITE | Prot.EXEC)) {
      throw new UvmException(Errno.EACCES, "mmap: writable and executable under MDWE");
    }
    long addr = req.addr();
    boolean fixed = req.placement().isFixed();
    if (fixed) {
      if ((addr & PAGE_MASK) != 0) {
        throw new UvmException(Errno.EINVAL, "mmap: fixed address not page aligned");
      }
      if (addr < USER_MIN) {
        throw new UvmException(Errno.EPERM, "mmap: fixed address below the user range");
      }
      if (addr > USER_MAX || size > USER_MAX - addr) {
        throw new UvmException(Errno.ENOMEM, "mmap: fixed range beyond the user range");
      }
    }
    boolean shared = req.shared();
    int uvmFlags;
    if (obj == null && shared) {
      uvmFlags = VmMap.FLAG_OVERLAY;
    } else if (shared) {
      uvmFlags = 0;
    } else {
      uvmFlags = VmMap.FLAG_COPYONW;
    }
    Inheritance inh = req.effectiveInheritance();
    List<VmMapEntry> dead = List.of();
    long start;
    map.lock();
    try {
      if (map.entryCount() > MAX_MAP_COUNT) {
        throw new UvmException(Errno.ENOMEM, "mmap: more than vm.max_map_count entries");
      }
      if (fixed) {
        start = addr;
        if (!map.isFree(start, start + size)) {
          if (req.placement() != Placement.FIXED_NOREPLACE
              && map.entryCount() + map.clipsNeeded(start, start + size) - 1 > MAX_MAP_COUNT) {
            throw new UvmException(Errno.ENOMEM, "mmap: replacing would split beyond the limit");
          }
          if (req.placement() == Placement.FIXED_NOREPLACE) {
            throw new UvmException(Errno.EEXIST, "mmap: fixed-noreplace range in use");
          }
          if (map.anySealed(start, start + size)) {
            throw new UvmException(Errno.EPERM, "mmap: fixed over a sealed mapping");
          }
          Wiring.unwireRange(this, start, start + size);
          dead = map.unmapRemove(start, start + size);
        }
      } else {
        start = chooseAddress(addr, size);
        if (start < 0) {
          throw new UvmException(Errno.ENOMEM, "mmap: no free range");
        }
      }
      if (obj != null) {
        obj.reference();
      }
      int err = map.enter(start, size, obj, off, prot, maxProt, inh, req.advice(), uvmFlags);
      if (err != 0) {
        if (obj != null) {
          obj.detach();
        }
        throw new UvmException(err, "mmap: uvm_map_enter failed");
      }
    } finally {
      map.unlock();
      VmMap.unmapDetach(dead);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "mmap {}..{} {} {}{}{} obj={}",
          VmMap.hex(start),
          VmMap.hex(start + size),
          Prot.toString(prot),
          shared ? "shared" : "private",
          req.wired() ? " wired" : "",
          req.populate() ? " populate" : "",
          obj);
    }
    boolean wire = req.wired() || (wireFuture && map.isWireFuture() && !lockOnFaultFuture);
    if (!req.wired() && wireFuture && map.isWireFuture() && lockOnFaultFuture) {
      map.lock();
      try {
        setLockOnFault(start, start + size, true);
      } finally {
        map.unlock();
      }
    } else if (wire && prot != Prot.NONE) {
      if (mlock(start, size) != 0) {
        munmap(start, size);
        throw new UvmException(Errno.EAGAIN, "mmap: could not wire the new mapping");
      }
    } else if (req.populate() && prot != Prot.NONE) {
      populate(start, start + size, prot, shared);
    }
    return start;
  }

  /**
   * Where a new mapping of {@code size} bytes goes: the hint if free, else top-down from MMAP_BASE,
   * else anywhere; -1 if nowhere.
   */
  long chooseAddress(long hint, long size) {
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
    VmObserver o = uvm.observer();
    long t0 = 0;
    long resident0 = 0;
    long free0 = 0;
    if (o != null) {
      t0 = System.nanoTime();
      resident0 = pmap.residentCount();
      free0 = uvm.exp().free;
    }
    List<VmMapEntry> dead;
    map.lock();
    try {
      if (map.clipsNeeded(addr, addr + size) == 2
          && map.lookup(addr) == map.lookup(addr + size - 1)
          && map.entryCount() >= MAX_MAP_COUNT) {
        return Errno.ENOMEM; // the hole would split one entry into two beyond the limit
      }
      if (map.anySealed(addr, addr + size)) {
        return Errno.EPERM; // mseal: nothing is unmapped
      }
      Wiring.unwireRange(this, addr, addr + size);
      dead = map.unmapRemove(addr, addr + size);
    } finally {
      map.unlock();
    }
    VmMap.unmapDetach(dead);
    if (o != null) {
      o.munmap(
          addr,
          addr + size,
          dead.size(),
          resident0 - pmap.residentCount(),
          uvm.exp().free - free0,
          System.nanoTime() - t0);
    }
    return 0;
  }

  /**
   * Makes the private anonymous mapping {@code [start, end)} the process's stack: its entries grow
   * down ({@link VmMapEntry#GROWSDOWN}), at most to {@code floor} (RLIMIT_STACK below the stack's
   * top), as Linux's stack VMA does (exec).
   *
   * @return 0, or EINVAL when the range is not one private anonymous mapping or {@code floor} lies
   *     above it
   */
  // fs/exec.c: setup_arg_pages (VM_STACK_FLAGS)
  public int setStack(long start, long end, long floor) {
    checkLive();
    if (floor < USER_MIN || floor > start || (floor & PAGE_MASK) != 0) {
      return Errno.EINVAL;
    }
    map.lock();
    try {
      if (!map.isFullyMapped(start, end)) {
        return Errno.EINVAL;
      }
      for (VmMapEntry e : map.entriesIn(start, end)) {
        if (e.object != null || !e.copyOnWrite() || e.start < start || e.end > end) {
          return Errno.EINVAL;
        }
      }
      for (VmMapEntry e : map.entriesIn(start, end)) {
        e.flags |= VmMapEntry.GROWSDOWN;
      }
      stackFloor = floor;
      return 0;
    } finally {
      map.unlock();
    }
  }

  /** The lowest address the stack may grow down to ({@link #setStack}), or 0. */
  public long stackFloor() {
    return stackFloor;
  }

  /**
   * uvm_unix.c: uvm_grow / mm/mmap.c: expand_downwards — an access at {@code va}, which no entry
   * maps, extends the grow-down entry just above it down to {@code va}'s page, as Linux grows its
   * stack: not below the stack floor (RLIMIT_STACK), and not within {@link #STACK_GUARD_GAP} of an
   * accessible mapping below (Linux's {@code stack_guard_gap}). The new part is a private anonymous
   * entry with the stack's protections, inheritance, advice and lock-on-fault, not wired, merged
   * into the stack entry ({@link VmMap#mergeRange}: amap_extend when its amap is private).
   *
   * <p>=> map locked.
   *
   * @return whether {@code va} is mapped now
   */
  // uvm_unix.c: uvm_grow
  public boolean grow(long va) {
    Kassert.check(map.isLockedByCurrentThread(), "uvm_grow: map locked");
    if (stackFloor == 0 || va < stackFloor || va >= USER_MAX) {
      return false;
    }
    long start = va & ~PAGE_MASK;
    VmMapEntry below = map.floor(start);
    if (below != null && below.end > start) {
      return false; // mapped: not a growth
    }
    VmMapEntry above = below == null ? map.first() : map.next(below);
    if (above == null || !above.growsDown() || above.object != null || !above.copyOnWrite()) {
      return false;
    }
    if (below != null
        && !below.growsDown()
        && below.protection != Prot.NONE
        && start - below.end < STACK_GUARD_GAP) {
      return false;
    }
    VmMapEntry e = new VmMapEntry();
    e.start = start;
    e.end = above.start;
    e.etype = VmMapEntry.COPYONWRITE | VmMapEntry.NEEDSCOPY;
    e.protection = above.protection;
    e.maxProtection = above.maxProtection;
    e.inheritance = above.inheritance;
    e.advice = above.advice;
    e.flags = above.flags & (VmMapEntry.GROWSDOWN | VmMapEntry.LOCKONFAULT | VmMapEntry.SEALED);
    e.policy = above.policy; // expand_downwards grows the same vma, its policy with it
    map.insert(e);
    map.mergeRange(e.start, e.end);
    if (log.isDebugEnabled()) {
      log.debug("uvm_grow: stack grown down to {}", VmMap.hex(start));
    }
    return true;
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
      if (!map.isFullyMapped(addr, end) || tooManyAfterClips(addr, end)) {
        return Errno.ENOMEM;
      }
      // Linux's mprotect loop: an entry MDWE refuses (EACCES) or a sealed one (EPERM) stops it
      // there, the entries before it changed
      int refused = 0;
      for (VmMapEntry e : map.entriesIn(addr, end)) {
        if (denyWriteExec
            && (prot & Prot.EXEC) != 0
            && ((prot & Prot.WRITE) != 0 || (e.protection & Prot.EXEC) == 0)) {
          refused = Errno.EACCES;
        } else if (e.isSealed()) {
          refused = Errno.EPERM;
        }
        if (refused != 0) {
          long stop = Math.max(addr, e.start);
          int err = stop > addr ? map.protect(addr, stop, prot, false) : 0;
          if (err == 0 && stop > addr) {
            err = Wiring.rewire(this, addr, stop);
            map.mergeRange(addr, stop);
          }
          return err != 0 ? err : refused;
        }
      }
      VmObserver o = uvm.observer();
      long t0 = o == null ? 0 : System.nanoTime();
      int err = map.protect(addr, end, prot, false);
      if (err != 0) {
        return err;
      }
      int rewired = Wiring.rewire(this, addr, end);
      map.mergeRange(addr, end);
      if (o != null) {
        long cost = System.nanoTime() - t0;
        o.mprotect(
            addr, end, prot, rewired, map.entriesIn(addr, end).size(), residentIn(addr, end), cost);
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
      if (!map.isFullyMapped(addr, addr + size) || tooManyAfterClips(addr, addr + size)) {
        return Errno.ENOMEM;
      }
      map.inherit(addr, addr + size, inh);
      map.mergeRange(addr, addr + size);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /**
   * uvm_map.c: uvm_map_advice — sets the paging advice ({@link Advice}: the fault neighbourhood) of
   * {@code [addr, addr + len)}.
   *
   * @return 0, or EINVAL (misaligned, negative length, bad range, unknown advice), ENOMEM (part of
   *     the range unmapped)
   */
  // uvm_map.c: uvm_map_advice
  public int advise(long addr, long len, int advice) {
    checkLive();
    if (!Advice.isValid(advice)) {
      return Errno.EINVAL;
    }
    return onMappedRange(
        addr,
        len,
        (start, end) -> {
          map.advise(start, end, advice);
          map.mergeRange(start, end);
          return 0;
        });
  }

  /**
   * uvm_map.c: uvm_map_willneed — the range will be needed soon. Read-ahead is not done (pages come
   * in at the first fault), so this only checks the range.
   *
   * @return 0, or EINVAL (misaligned, negative length, bad range), ENOMEM (part of the range
   *     unmapped)
   */
  // uvm_map.c: uvm_map_willneed
  public int willNeed(long addr, long len) {
    checkLive();
    return onMappedRange(addr, len, (start, end) -> 0);
  }

  /**
   * The resident pages of {@code [addr, addr + len)} that MADV_PAGEOUT may page out (Linux's
   * madvise_pageout, mm/madvise.c): private anonymous pages held by this mapping alone (an amap
   * referenced once holding an anon referenced once: a page still shared copy-on-write after fork
   * is left, as Linux leaves a folio mapped more than once), neither wired, busy nor loaned. Object
   * pages (file or shared memory) are left too.
   *
   * @param out receives the pages, in address order (the caller pages them out after this returns,
   *     with no lock held)
   * @return 0, or EINVAL (misaligned, negative length, bad range, a locked entry in the range:
   *     can_madv_lru_vma), ENOMEM (part of the range unmapped)
   */
  // mm/madvise.c: madvise_pageout (madvise_cold_or_pageout_pte_range's choice of folios)
  public int pageoutCandidates(long addr, long len, List<org.uvm4j.uvm.page.VmPage> out) {
    checkLive();
    return onMappedRange(
        addr,
        len,
        (start, end) -> {
          List<VmMapEntry> entries = map.entriesIn(start, end);
          for (VmMapEntry e : entries) {
            if (e.isWired()) {
              return Errno.EINVAL;
            }
          }
          for (VmMapEntry e : entries) {
            Amap amap = e.aref.amap;
            if (amap == null || e.isSharedMapping()) {
              continue;
            }
            amap.lock();
            try {
              if (amap.ref() != 1) {
                continue;
              }
              long from = Math.max(start, e.start);
              long to = Math.min(end, e.end);
              for (long va = from; va < to; va += VmMap.PAGE_SIZE) {
                Anon an = amap.lookup(e.aref, e.offsetOf(va));
                org.uvm4j.uvm.page.VmPage pg = an == null ? null : an.page;
                if (an != null
                    && an.ref == 1
                    && pg != null
                    && pg.anon == an
                    && !pg.isBusy()
                    && pg.wireCount == 0
                    && pg.loanCount == 0) {
                  out.add(pg);
                }
              }
            } finally {
              amap.unlock();
            }
          }
          return 0;
        });
  }

  /**
   * uvm_map.c: uvm_map_clean (PGO_FREE) with zero-fill-on-next-touch semantics — drops the range's
   * private pages so that the next touch sees zeros (anonymous memory) or the object's contents (a
   * private object mapping); shared mappings only lose their translations.
   *
   * @param privateAnonOnly refuse (EINVAL) unless every entry in the range is private anonymous
   *     memory
   * @return 0, or EINVAL (misaligned, negative length, bad range, a wired entry in the range, or an
   *     object/shared entry with {@code privateAnonOnly}), ENOMEM (part of the range unmapped)
   */
  // uvm_map.c: uvm_map_clean
  public int discard(long addr, long len, boolean privateAnonOnly) {
    checkLive();
    List<List<VmMapEntry>> dead = new ArrayList<>(1);
    int err =
        onMappedRange(
            addr,
            len,
            (start, end) -> {
              for (VmMapEntry e : map.entriesIn(start, end)) {
                if (e.isWired() || (privateAnonOnly && (e.object != null || e.isSharedMapping()))) {
                  return Errno.EINVAL;
                }
              }
              dead.add(dontNeed(start, end));
              return 0;
            });
    for (List<VmMapEntry> holders : dead) {
      detachAmaps(holders);
    }
    if (!dead.isEmpty()) {
      // the discarded part was clipped off with no amap: with the references dropped it is one
      // mapping with its neighbours again (Linux's MADV_DONTNEED does not split at all)
      long end = addr + roundPage(len);
      map.lock();
      try {
        map.mergeRange(addr, end);
      } finally {
        map.unlock();
      }
    }
    return err;
  }

  /**
   * uvm_map.c: uvm_map_inherit for the entries of {@code [addr, addr + len)} whose inheritance is
   * {@code from}: they get their mapping's default back ({@link Inheritance#SHARE} for shared
   * mappings, {@link Inheritance#COPY} for private ones); other entries are left alone.
   *
   * @return 0, or EINVAL (misaligned, negative length, bad range, null {@code from}), ENOMEM (part
   *     of the range unmapped)
   */
  // uvm_map.c: uvm_map_inherit
  public int minheritDefault(long addr, long len, Inheritance from) {
    checkLive();
    if (from == null) {
      return Errno.EINVAL;
    }
    return onMappedRange(
        addr,
        len,
        (start, end) -> {
          for (VmMapEntry e : map.entriesIn(start, end)) {
            if (e.inheritance == from) {
              map.clipStart(e, start);
              map.clipEnd(e, end);
              e.inheritance = e.isSharedMapping() ? Inheritance.SHARE : Inheritance.COPY;
            }
          }
          map.mergeRange(start, end);
          return 0;
        });
  }

  /**
   * uvm_map.c: uvm_map_inherit restricted to private anonymous memory: sets the inheritance of
   * {@code [addr, addr + len)} only if every entry there is a private anonymous mapping (used for
   * {@link Inheritance#ZERO}, which has no meaning for an object's pages).
   *
   * @return 0, or EINVAL (misaligned, negative length, bad range, null {@code inh}, an object or
   *     shared entry in the range), ENOMEM (part of the range unmapped)
   */
  // uvm_map.c: uvm_map_inherit
  public int minheritPrivateAnon(long addr, long len, Inheritance inh) {
    checkLive();
    if (inh == null) {
      return Errno.EINVAL;
    }
    return onMappedRange(
        addr,
        len,
        (start, end) -> {
          for (VmMapEntry e : map.entriesIn(start, end)) {
            if (e.object != null || e.isSharedMapping()) {
              return Errno.EINVAL;
            }
          }
          map.inherit(start, end, inh);
          map.mergeRange(start, end);
          return 0;
        });
  }

  /** An operation on a checked, fully mapped page range, run under the map lock. */
  private interface RangeOp {
    /** Returns 0 or a positive errno. */
    int apply(long start, long end);
  }

  /**
   * Checks {@code [addr, addr + len)} the way the advice calls do (EINVAL: misaligned, negative
   * length, beyond the user range; an empty range succeeds at once; ENOMEM: part unmapped), then
   * runs {@code op} on the page-rounded range with the map locked.
   */
  private int onMappedRange(long addr, long len, RangeOp op) {
    if ((addr & PAGE_MASK) != 0 || len < 0) {
      return Errno.EINVAL;
    }
    if (len == 0) {
      return 0;
    }
    long size = roundPage(len);
    if (size <= 0 || addr > USER_MAX || size > USER_MAX - addr) {
      return Errno.EINVAL;
    }
    long end = addr + size;
    map.lock();
    try {
      if (!map.isFullyMapped(addr, end) || tooManyAfterClips(addr, end)) {
        return Errno.ENOMEM;
      }
      return op.apply(addr, end);
    } finally {
      map.unlock();
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
   * mm/mlock.c: mlock2(MLOCK_ONFAULT) — marks {@code [addr, addr + len)} locked on fault ({@link
   * VmMapEntry#LOCKONFAULT}): the range counts as locked memory, but nothing is faulted in or wired
   * now (pages come in at their first touch, as for any mapping).
   *
   * @return 0, or ENOMEM (part of the range unmapped), EINVAL (range wraps)
   */
  // mm/mlock.c: mlock2 (MLOCK_ONFAULT)
  public int mlockOnFault(long addr, long len) {
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
      if (start < USER_MIN
          || end > USER_MAX
          || !map.isFullyMapped(start, end)
          || tooManyAfterClips(start, end)) {
        return Errno.ENOMEM;
      }
      setLockOnFault(start, end, true);
      map.mergeRange(start, end);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /** Sets or clears {@link VmMapEntry#LOCKONFAULT} on {@code [start, end)} (map locked). */
  private void setLockOnFault(long start, long end, boolean on) {
    for (VmMapEntry e : map.entriesIn(start, end)) {
      if (((e.flags & VmMapEntry.LOCKONFAULT) != 0) == on) {
        continue;
      }
      map.clipStart(e, start);
      map.clipEnd(e, end);
      if (on) {
        e.flags |= VmMapEntry.LOCKONFAULT;
      } else {
        e.flags &= ~VmMapEntry.LOCKONFAULT;
      }
    }
  }

  /**
   * mm/mseal.c: do_mseal — seals {@code [addr, addr + len)} (rounded up to pages): its entries get
   * {@link VmMapEntry#SEALED} and from then on munmap, mremap, mprotect, mmap over them and the
   * discarding madvise advice on read-only private anonymous memory fail with EPERM. Sealing is for
   * the life of the address space (kept by fork).
   *
   * @return 0, or EINVAL (misaligned, the range wraps), ENOMEM (part of the range unmapped: nothing
   *     sealed)
   */
  // mm/mseal.c: do_mseal
  public int mseal(long addr, long len) {
    checkLive();
    if ((addr & PAGE_MASK) != 0 || len < 0) {
      return Errno.EINVAL;
    }
    long size = roundPage(len);
    if ((len != 0 && size == 0) || addr + size < addr) {
      return Errno.EINVAL;
    }
    if (size == 0) {
      return 0;
    }
    long end = addr + size;
    map.lock();
    try {
      if (addr < USER_MIN || end > USER_MAX || !map.isFullyMapped(addr, end)) {
        return Errno.ENOMEM;
      }
      if (tooManyAfterClips(addr, end)) {
        return Errno.ENOMEM;
      }
      for (VmMapEntry e : map.entriesIn(addr, end)) {
        if (!e.isSealed()) {
          map.clipStart(e, addr);
          map.clipEnd(e, end);
          e.flags |= VmMapEntry.SEALED;
        }
      }
      map.mergeRange(addr, end);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /**
   * mm/mempolicy.c: do_mbind, the map part — sets the memory policy of the entries in {@code
   * [start, end)} (page aligned, {@code start < end}) after checking the range as {@code
   * queue_pages_range} does: EFAULT when no entry meets it or, unless {@code holesOk} (the default
   * policy), when part of it is unmapped; EIO, with {@code failOnResident}, when a page of the
   * range is resident. Only the entries whose policy changes are clipped; the range is then joined
   * where it became one mapping. Nothing changes when it fails.
   *
   * @return 0, or EFAULT, EIO, ENOMEM (too many entries after the clips)
   */
  // mm/mempolicy.c: do_mbind
  public int bindPolicy(
      long start, long end, EntryPolicy policy, boolean holesOk, boolean failOnResident) {
    checkLive();
    return PolicyRange.bind(this, start, end, policy, holesOk, failOnResident);
  }

  /**
   * Gives each entry meeting {@code [start, end)} (holes skipped) the policy {@code update} returns
   * for its current one, in address order; an exception from {@code update} stops there.
   *
   * @return 0 or the errno of the exception (ENOMEM: too many entries)
   */
  // mm/mempolicy.c: sys_set_mempolicy_home_node
  public int updatePolicies(long start, long end, PolicyUpdate update) {
    checkLive();
    return PolicyRange.update(this, start, end, update);
  }

  /**
   * The memory policy of the entry containing {@code va}, null for the default.
   *
   * @throws UvmException EFAULT when {@code va} is not mapped
   */
  // mm/mempolicy.c: do_get_mempolicy (MPOL_F_ADDR: vma_lookup, __get_vma_policy)
  public EntryPolicy policyAt(long va) throws UvmException {
    checkLive();
    return PolicyRange.policyAt(this, va);
  }

  /**
   * Whether a page is resident at {@code va} as Linux's page-table walk would find it ({@code
   * folio_walk_start}): {@link #PAGE_UNMAPPED}, {@link #PAGE_ABSENT} or {@link #PAGE_RESIDENT}.
   * Nothing is faulted in.
   */
  // mm/migrate.c: do_pages_stat_array
  public int residency(long va) {
    checkLive();
    return PolicyRange.residency(this, va);
  }

  /**
   * mm/mseal.c: can_modify_vma_madv — whether a discarding advice (DONTNEED, FREE, DONTFORK,
   * WIPEONFORK, ...) may run on {@code [addr, addr + len)}: not when a sealed entry there is
   * read-only private anonymous memory (its contents would change). Holes are the advice's own
   * business.
   *
   * @return 0, or EPERM
   */
  // mm/mseal.c: can_modify_vma_madv
  public int checkSealedDiscard(long addr, long len) {
    checkLive();
    if (len <= 0 || (addr & PAGE_MASK) != 0) {
      return 0;
    }
    long end = roundPage(addr + len);
    if (end <= addr) {
      return 0;
    }
    map.lock();
    try {
      for (VmMapEntry e : map.entriesIn(addr, end)) {
        if (e.isSealed()
            && e.object == null
            && !e.isSharedMapping()
            && (e.protection & Prot.WRITE) == 0) {
          return Errno.EPERM;
        }
      }
      return 0;
    } finally {
      map.unlock();
    }
  }

  /**
   * Linux's memory-deny-write-execute (prctl PR_SET_MDWE): from now on no mapping may be writable
   * and executable at once, and mprotect may not make a non-executable entry executable (EACCES).
   * It cannot be turned off; {@code noInherit} keeps it out of forked children.
   */
  // mm: prctl_set_mdwe / map_deny_write_exec
  public void denyWriteExec(boolean noInherit) {
    denyWriteExec = true;
    denyWriteExecNoInherit = noInherit;
  }

  /** Whether {@link #denyWriteExec} is on. */
  public boolean isDenyWriteExec() {
    return denyWriteExec;
  }

  /** Whether {@link #denyWriteExec} is on and not inherited. */
  public boolean isDenyWriteExecNoInherit() {
    return denyWriteExecNoInherit;
  }

  /**
   * madvise(MADV_POPULATE_READ / MADV_POPULATE_WRITE): faults every page of {@code [addr, addr +
   * len)} in, for reading or (resolving copy-on-write) for writing, as a touch would.
   *
   * @return 0, or EINVAL (misaligned, negative length; a range without the permission asked for, or
   *     PROT_NONE), ENOMEM (part of the range unmapped, or no memory), EFAULT (a page that cannot
   *     be had: beyond a file's end)
   */
  // mm/madvise.c: madvise_populate
  public int populate(long addr, long len, boolean write) {
    checkLive();
    int err = onMappedRange(addr, len, (start, end) -> 0);
    if (err != 0 || len == 0) {
      return err;
    }
    long end = addr + roundPage(len);
    int access = write ? Prot.WRITE : Prot.READ;
    map.lock();
    try {
      for (VmMapEntry e : map.entriesIn(addr, end)) {
        if ((e.protection & access) == 0) {
          return Errno.EINVAL;
        }
      }
    } finally {
      map.unlock();
    }
    for (long va = addr; va < end; va += VmMap.PAGE_SIZE) {
      FaultResult r = faultHandler.fault(this, va, access);
      if (r == FaultResult.OOM) {
        return Errno.ENOMEM;
      }
      if (r != FaultResult.OK) {
        return Errno.EFAULT;
      }
    }
    return 0;
  }

  /**
   * uvm_mmap.c: sys___msync13 — the range must be mapped; nothing is written back (shared object
   * pages are anonymous memory or read-only files here).
   *
   * @return 0, or EINVAL (misaligned, bad range), ENOMEM (part of the range unmapped)
   */
  // uvm_mmap.c: sys___msync13
  public int msync(long addr, long len) {
    checkLive();
    return onMappedRange(addr, len, (start, end) -> 0);
  }

  /**
   * uvm_mmap.c: sys_mincore — which pages of {@code [addr, addr + len)} (rounded up to pages) are
   * resident, read from the layers that hold them, nothing faulted in: a page is resident when it
   * is mapped in the pmap, else when the entry's amap has an anon for it whose page is in RAM (an
   * anon swapped out is not resident; an anon hides the object's page), else when the object holds
   * the page ({@link UvmObject#residentPage}: a file's page cache, an aobj's pages).
   *
   * @return one byte per page, 1 if resident, else 0 (an empty array for {@code len == 0})
   * @throws UvmException EINVAL (misaligned address), ENOMEM (the range leaves the user space or
   *     part of it is unmapped)
   */
  // uvm_mmap.c: sys_mincore
  public byte[] mincore(long addr, long len) throws UvmException {
    checkLive();
    if ((addr & PAGE_MASK) != 0) {
      throw new UvmException(Errno.EINVAL, "mincore: misaligned address");
    }
    if (len < 0 || addr > USER_MAX || len > USER_MAX - addr) {
      throw new UvmException(Errno.ENOMEM, "mincore: range beyond the user space");
    }
    if (len == 0) {
      return new byte[0];
    }
    long end = roundPage(addr + len);
    byte[] vec = new byte[(int) ((end - addr) >>> 12)];
    map.lock();
    try {
      if (addr < USER_MIN || end > USER_MAX || !map.isFullyMapped(addr, end)) {
        throw new UvmException(Errno.ENOMEM, "mincore: part of the range is not mapped");
      }
      for (VmMapEntry e : map.entriesIn(addr, end)) {
        long from = Math.max(addr, e.start);
        long to = Math.min(end, e.end);
        Amap amap = e.aref.amap;
        if (amap != null) {
          amap.lock();
        }
        try {
          for (long va = from; va < to; va += VmMap.PAGE_SIZE) {
            vec[(int) ((va - addr) >>> 12)] = resident(e, amap, va) ? (byte) 1 : 0;
          }
        } finally {
          if (amap != null) {
            amap.unlock();
          }
        }
      }
    } finally {
      map.unlock();
    }
    return vec;
  }

  /** mincore_page: whether the page of {@code e} at {@code va} is in RAM (amap locked). */
  private boolean resident(VmMapEntry e, Amap amap, long va) {
    if (pmap.extract(va) != null) {
      return true;
    }
    if (amap != null) {
      Anon an = amap.lookup(e.aref, e.offsetOf(va));
      if (an != null) {
        return an.page != null;
      }
    }
    return e.object != null && e.object.residentPage(e.offset + e.offsetOf(va)) != null;
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
      if (start < USER_MIN
          || end > USER_MAX
          || !map.isFullyMapped(start, end)
          || tooManyAfterClips(start, end)) {
        return Errno.ENOMEM;
      }
      int err = Wiring.wireRange(this, start, end);
      if (err == 0) {
        setLockOnFault(start, end, false); // mlock of a lock-on-fault range: locked outright
      }
      map.mergeRange(start, end);
      return err;
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
      if (start < USER_MIN
          || end > USER_MAX
          || !map.isFullyMapped(start, end)
          || tooManyAfterClips(start, end)) {
        return Errno.ENOMEM;
      }
      Wiring.unwireRange(this, start, end);
      setLockOnFault(start, end, false);
      map.mergeRange(start, end);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /**
   * uvm_map.c: uvm_map_pageable_all — with {@code current}, wires every mapping whose protection is
   * not {@link Prot#NONE} (as {@link #mlock} does; ranges wired before a failure stay wired); then
   * records {@code future} ({@code VM_MAP_WIREFUTURE}): while set, every new mapping and every
   * growth of the break is wired too.
   *
   * @return 0, or ENOMEM (no memory to wire some mapping; the future flag is left unchanged)
   */
  // uvm_map.c: uvm_map_pageable_all
  public int mlockall(boolean current, boolean future) {
    return mlockall(current, future, false);
  }

  /**
   * mlockall with MCL_ONFAULT ({@code onFault}): the current mappings are marked locked on fault
   * instead of wired ({@link #mlockOnFault}), and with {@code future} so are new ones.
   */
  // uvm_map.c: uvm_map_pageable_all (mm/mlock.c: apply_mlockall_flags)
  public int mlockall(boolean current, boolean future, boolean onFault) {
    checkLive();
    if (current && onFault) {
      map.lock();
      try {
        setLockOnFault(USER_MIN, USER_MAX, true);
        map.mergeRange(USER_MIN, USER_MAX);
      } finally {
        map.unlock();
      }
    } else if (current) {
      map.lock();
      try {
        List<long[]> ranges = new ArrayList<>();
        for (VmMapEntry e : map.entries()) {
          if (e.protection != Prot.NONE) {
            ranges.add(new long[] {e.start, e.end});
          }
        }
        for (long[] r : ranges) {
          int err = Wiring.wireRange(this, r[0], r[1]);
          if (err != 0) {
            map.mergeRange(USER_MIN, USER_MAX);
            return err;
          }
        }
        map.mergeRange(USER_MIN, USER_MAX);
      } finally {
        map.unlock();
      }
    }
    map.setWireFuture(future);
    lockOnFaultFuture = future && onFault;
    return 0;
  }

  /**
   * uvm_map.c: uvm_map_pageable_all (unwire) — unwires every mapping and clears {@code
   * VM_MAP_WIREFUTURE}.
   */
  // uvm_map.c: uvm_map_pageable_all
  public void munlockall() {
    checkLive();
    map.lock();
    try {
      Wiring.unwireRange(this, USER_MIN, USER_MAX);
      setLockOnFault(USER_MIN, USER_MAX, false);
      map.mergeRange(USER_MIN, USER_MAX);
    } finally {
      map.unlock();
    }
    map.setWireFuture(false);
    lockOnFaultFuture = false;
  }

  /**
   * uvm_mremap.c: uvm_mremap — {@link #remap(long, long, long, RemapMode, long, boolean)} without
   * keeping the old range.
   */
  // uvm_mremap.c: uvm_mremap
  public long remap(long oldVa, long oldSize, long newSize, RemapMode mode, long newVa)
      throws UvmException {
    return remap(oldVa, oldSize, newSize, mode, newVa, false);
  }

  /**
   * uvm_mremap.c: uvm_mremap — resizes the mapping {@code [oldVa, oldVa + oldSize)} to {@code
   * newSize} bytes (both rounded up to pages), as a map operation ({@link Remap}): the range must
   * be one mapping as Linux sees it (entries with the same protections, sharing, object at
   * contiguous offsets, inheritance, advice and wiring).
   *
   * <p>Shrinking unmaps the tail in place. Growing maps a tail with the last entry's attributes
   * (wired if the mapping is) right after the range when that space is free. Otherwise ({@link
   * RemapMode#MAY_MOVE}), or always with {@link RemapMode#FIXED} (whatever is mapped at {@code
   * newVa} is replaced), the entries themselves move — amap and object references, attributes,
   * wiring and translations — and nothing is copied or allocated; shared mappings move too.
   *
   * @param newVa the new address for {@link RemapMode#FIXED}; ignored otherwise
   * @param dontUnmap MREMAP_DONTUNMAP: move (sizes must be equal, mode not {@link
   *     RemapMode#IN_PLACE}) and leave the old range mapped, unwired: a private range afresh
   *     (zeros, or the object's pages), a shared one showing the same memory
   * @return the (possibly new) start of the mapping
   * @throws UvmException EINVAL (misaligned address, a size of 0, the range wraps, a fixed target
   *     misaligned, outside the user range or overlapping the old range, dontUnmap with different
   *     sizes or in place), EFAULT (part of the old range unmapped, or it spans different
   *     mappings), ENOMEM (cannot grow in place, no free range to move to, too many entries, no
   *     memory for an amap), EAGAIN (the grown part of a wired mapping could not be wired)
   */
  // uvm_mremap.c: uvm_mremap
  public long remap(
      long oldVa, long oldSize, long newSize, RemapMode mode, long newVa, boolean dontUnmap)
      throws UvmException {
    checkLive();
    return Remap.remap(this, oldVa, oldSize, newSize, mode, newVa, dontUnmap);
  }

  /** Set by exec: the program break starts at {@code base} (the end of the loaded image). */
  public void setBrkBase(long base) {
    checkLive();
    Kassert.check(base >= USER_MIN && base < USER_MAX, "setBrkBase: base inside user range");
    brkBase = base;
    brkCur = base;
  }

  /**
   * uvm_unix.c: sys_obreak with Linux's brk semantics — moves the break to {@code newBrk} and
   * returns the new break, or the unchanged one when the request is refused (below the base,
   * overlapping another mapping, no memory). Growth maps copy-on-write anonymous memory with a
   * padded amap ({@code UVM_FLAG_AMAPPAD}), so consecutive growths extend one entry in place. While
   * {@code VM_MAP_WIREFUTURE} is set ({@link #mlockall}) the growth is wired, and refused when it
   * cannot be.
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
      List<VmMapEntry> dead = List.of();
      map.lock();
      try {
        if (!map.isFree(oldTop, newTop) || map.entryCount() > MAX_MAP_COUNT) {
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
        if (map.isWireFuture() && Wiring.wireRange(this, oldTop, newTop) != 0) {
          Wiring.unwireRange(this, oldTop, newTop);
          dead = map.unmapRemove(oldTop, newTop);
        }
      } finally {
        map.unlock();
        VmMap.unmapDetach(dead);
      }
      if (!dead.isEmpty()) {
        return brkCur; // VM_MAP_WIREFUTURE: the growth could not be wired
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
   * <p>The child's map inherits {@code VM_MAP_WIREFUTURE}.
   *
   * @return the child
   * @throws UvmException ENOMEM when memory ran out (nothing of the child remains)
   */
  // uvm_map.c: uvmspace_fork
  public Vmspace fork() throws UvmException {
    checkLive();
    VmObserver o = uvm.observer();
    long t0 = o == null ? 0 : System.nanoTime();
    Vmspace child = new Vmspace(uvm, faultHandler);
    child.brkBase = brkBase;
    child.brkCur = brkCur;
    child.map.setWireFuture(map.isWireFuture());
    child.lockOnFaultFuture = lockOnFaultFuture;
    child.denyWriteExec = denyWriteExec && !denyWriteExecNoInherit;
    child.stackFloor = stackFloor;
    if (!VmspaceFork.fork(this, child)) {
      child.free();
      throw new UvmException(Errno.ENOMEM, "fork: out of memory");
    }
    if (o != null) {
      long cost = System.nanoTime() - t0;
      o.fork(VmspaceFork.census(this, child), cost);
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
   * Whether more than one holder shares this space ({@code vm_refcnt > 1}: threads, a vfork child
   * borrowing it).
   */
  public boolean isShared() {
    return refs > 1;
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
    pmap.destroy(); // gives the page table's heap back to the metadata budget
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
   * A forced access to this address space, as a debugger's (Linux's {@code access_remote_vm} with
   * {@code FOLL_FORCE}, used by {@code /proc/PID/mem} and ptrace; NetBSD's {@code uvm_io}): reads
   * reach any mapping whose maximum protection allows reading (PROT_NONE included), writes any
   * writable mapping and any read-only private one, where the write breaks copy-on-write into a
   * page of the mapping's own while the mapping stays read-only ({@link FaultService#faultForced}).
   *
   * @return the bytes moved from {@code va} on, up to the first page that cannot be reached
   */
  public int forcedIo(long va, byte[] buf, int off, int len, boolean write) {
    return guestAccess.forcedIo(va, buf, off, len, write);
  }

  /**
   * How many bytes from {@code va}, at most {@code len}, lie in mappings that allow writing (the
   * prefix a {@link #copyout} can reach), without faulting anything in.
   */
  public long writableBytes(long va, long len) {
    return guestAccess.writableBytes(va, len);
  }

  /**
   * copyinstr: copies a NUL-terminated guest string at {@code va} into {@code dst} (NUL included
   * when it fits).
   *
   * @return the string length without the NUL
   * @throws UvmException EFAULT (some byte not readable), ENAMETOOLONG (no NUL within {@code max}
   *     bytes)
   */
  public int copyinstr(long va, byte[] dst, int max) throws UvmException {
    return guestAccess.copyinstr(va, dst, max);
  }

  // ---------------------------------------------------------------- helpers

  /** Pages of {@code [start, end)} mapped in this space's pmap (for the observer; allocates). */
  private long residentIn(long start, long end) {
    long[] n = {0};
    pmap.forEach(
        (va, pg, p, wired) -> {
          if (va >= start && va < end) {
            n[0]++;
          }
        });
    return n[0];
  }

  /** The VM system seen as the amap layer's services ({@code Uvm implements UvmServices}). */
  public static UvmServices services(Uvm uvm) {
    return uvm;
  }

  private void checkLive() {
    Kassert.check(refs > 0, "vmspace used after free");
  }

  /**
   * Whether clipping the (fully mapped) range {@code [start, end)} would leave the map with more
   * than {@link #MAX_MAP_COUNT} entries (Linux's split_vma: ENOMEM).
   */
  private boolean tooManyAfterClips(long start, long end) {
    int clips = map.clipsNeeded(start, end);
    return clips > 0 && map.entryCount() + clips > MAX_MAP_COUNT;
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
