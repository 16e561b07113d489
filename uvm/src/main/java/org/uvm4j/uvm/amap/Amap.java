package org.uvm4j.uvm.amap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.VmPage;

/**
 * An anonymous map ({@code struct vm_amap}, NetBSD {@code uvm_amap.c} 1.87): the upper layer of a
 * mapping, one slot per page, each slot optionally pointing at an {@link Anon}.
 *
 * <p>Invariants (checked by {@link AmapAudit}):
 *
 * <ul>
 *   <li>{@code 0 <= nused <= nslot <= maxslot}; every slot {@code >= nslot} is empty;
 *   <li>{@code slots[0..nused)} lists each occupied slot exactly once and {@code slots[bckptr[x]]
 *       == x} for every occupied slot {@code x};
 *   <li>if the per-page reference counts ({@code ppref}) are established, their runs tile {@code
 *       [0, nslot)} and no slot with count 0 holds an anon;
 *   <li>{@code ref} counts the arefs pointing here; {@link #AMAP_SHARED} is cleared when it drops
 *       to one.
 * </ul>
 *
 * <p>Every field is protected by the amap's lock ({@code am_l}); the lock order is stated in
 * docs/design.md ("Locking"). Each amap belongs to one machine ({@link UvmServices}) and sits on
 * that machine's {@link AmapList} from creation to {@link #wipeout}.
 */
public final class Amap {
  private static final Logger log = LogManager.getLogger("uvm.amap");

  /** AMAP_SHARED: several address spaces may write the same anons (set by a share reference). */
  public static final int AMAP_SHARED = 0x1;

  /** AMAP_REFALL: flag to {@link #ref}/{@link #unref}: the reference covers the whole amap. */
  public static final int AMAP_REFALL = 0x2;

  /** AMAP_SWAPOFF: swap-off is paging in an anon with the amap unlocked; wipeout must wait. */
  public static final int AMAP_SWAPOFF = 0x4;

  /** amap_copy flag: do not sleep for memory (leave NEEDSCOPY set instead). */
  public static final int AMAP_COPY_NOWAIT = 0x02;

  /** amap_copy flag: never clip a large entry into chunks. */
  public static final int AMAP_COPY_NOCHUNK = 0x04;

  /** amap_copy flag: do not try to merge a fresh entry into a neighbour. */
  public static final int AMAP_COPY_NOMERGE = 0x08;

  /** amap_extend flag: grow in front of the entry. */
  public static final int AMAP_EXTEND_BACKWARDS = 0x00;

  /** amap_extend flag: grow after the entry. */
  public static final int AMAP_EXTEND_FORWARDS = 0x01;

  /** amap_extend flag: do not sleep for memory (ENOMEM instead). */
  public static final int AMAP_EXTEND_NOWAIT = 0x02;

  /** Slots per chunk when amap_copy clips a large fresh entry. */
  public static final int UVM_AMAP_CHUNK = 16;

  /**
   * amap_cow_now gives up with ENOMEM after this many waits for memory in a row without a copy in
   * between.
   */
  public static final int COW_NOW_MAX_MEMORY_WAITS = 4;

  /** Entries of this many slots or more are chunked by amap_copy and never grown by extend. */
  public static final int UVM_AMAP_LARGE = 256;

  /** PPREF_NONE: ppref allocation failed, the feature is off for this amap. */
  static final IntSlots PPREF_NONE = new IntSlots(0);

  /** kmem's allocation quantum on amd64 (ALIGNBYTES + 1), used by amap_roundup_slots. */
  static final int KMEM_QUANTUM_SIZE = 8;

  static final int PAGE_SHIFT = 12;
  static final long PAGE_MASK = (1L << PAGE_SHIFT) - 1;

  /** The machine this amap belongs to; null only for list markers. */
  final UvmServices svc;

  private final int id;
  private final boolean marker;

  /**
   * am_l, folded into the amap: the thread that holds it, or null (a test-and-set mutex on this
   * word, as {@link Anon}'s lock: no separate lock object).
   */
  private volatile Thread owner;

  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(Amap.class, "owner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** am_ref: number of arefs pointing here. */
  int ref;

  /** am_flags: SHARED, SWAPOFF. */
  int flags;

  /** am_maxslot: capacity of the slot arrays (storage is allocated per chunk on first use). */
  int maxslot;

  /** am_nslot: slots in use by the map. */
  int nslot;

  /** am_nused: occupied slots. */
  int nused;

  /**
   * am_slots: dense list of occupied slot numbers; {@code [0, nused)} is used and the array grows
   * with {@code nused} (never beyond {@code maxslot}).
   */
  int[] slots;

  /** am_bckptr: for an occupied slot, its position in {@link #slots} (chunked, sparse). */
  IntSlots bckptr;

  /** am_anon: slot to anon (chunked, sparse). */
  AnonSlots anon;

  /**
   * am_ppref: per-page reference counts in the seed's run encoding (chunked, sparse: only run heads
   * take memory); null = not established, {@link #PPREF_NONE} = off.
   */
  IntSlots ppref;

  /** am_list linkage (protected by the amap-list lock). */
  Amap listPrev;

  Amap listNext;

  /** Set by amap_free; a freed amap must be unreachable. */
  private boolean freed;

  private Amap(UvmServices svc, int id, boolean marker) {
    this.svc = svc;
    this.id = id;
    this.marker = marker;
  }

  /** A list marker for amap_swap_off (never locked, no slots). */
  static Amap marker() {
    return new Amap(null, 0, true);
  }

  boolean isMarker() {
    return marker;
  }

  // ---------------------------------------------------------------------------------------------
  // uvm_amap.h accessors and locking

  /** A small id, unique within the machine (for tracing). */
  public int id() {
    return id;
  }

  /** amap_refs: number of arefs pointing here. */
  public int ref() {
    return ref;
  }

  /** amap_flags. */
  public int flags() {
    return flags;
  }

  /** am_nslot. */
  public int nslot() {
    return nslot;
  }

  /** am_maxslot. */
  public int maxslot() {
    return maxslot;
  }

  /** am_nused. */
  public int nused() {
    return nused;
  }

  /** AMAP_SHARED is set. */
  public boolean isShared() {
    return (flags & AMAP_SHARED) != 0;
  }

  /** Per-page reference counts are established (and not disabled). */
  public boolean hasPpref() {
    return ppref != null && ppref != PPREF_NONE;
  }

  /**
   * ppref allocation failed once, so per-page counts are off for this amap ({@code PPREF_NONE}).
   */
  public boolean isPprefDisabled() {
    return ppref == PPREF_NONE;
  }

  /** The per-page reference counts decoded over {@code [0, nslot)}, or null if not established. */
  public int[] pprefCounts() {
    return hasPpref() ? Ppref.counts(ppref, nslot) : null;
  }

  /**
   * Estimated heap bytes this amap holds: its structure, its {@code am_slots} list and every chunk
   * of its per-slot arrays (what it charged to the machine's metadata budget). 0 once freed.
   */
  public long storageBytes() {
    if (freed) {
      return 0;
    }
    long n = AmapAllocator.AMAP_BYTES + AmapAllocator.slotListBytes(slots.length);
    n += anon.bytes() + bckptr.bytes();
    if (hasPpref()) {
      n += ppref.bytes();
    }
    return n;
  }

  /** True once amap_free ran. */
  public boolean isFreed() {
    return freed;
  }

  /** The anons of the occupied slots, in {@code am_slots} order (a snapshot; amap locked). */
  public List<Anon> anons() {
    checkLocked("amap anons");
    List<Anon> out = new ArrayList<>(nused);
    for (int i = 0; i < nused; i++) {
      out.add(anon.get(slots[i]));
    }
    return out;
  }

  /** The anon in {@code slot}, or null (amap locked). */
  public Anon anonAt(int slot) {
    checkLocked("amap anonAt");
    Kassert.check(slot >= 0 && slot < nslot, "amap anonAt: slot out of range");
    return anon.get(slot);
  }

  /** amap_lock. Panics if this thread already holds it (the seed's mutexes do not recurse). */
  public void lock() {
    Kassert.check(!freed, "amap_lock: amap is freed");
    Kassert.check(!marker, "amap_lock: a list marker has no lock");
    Thread me = Thread.currentThread();
    Kassert.check(owner != me, "amap_lock: locking against myself");
    while (!OWNER.compareAndSet(this, null, me)) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** amap_lock_try. */
  public boolean tryLock() {
    Kassert.check(!freed, "amap_lock_try: amap is freed");
    Kassert.check(!marker, "amap_lock_try: a list marker has no lock");
    Thread me = Thread.currentThread();
    Kassert.check(owner != me, "amap_lock_try: locking against myself");
    return OWNER.compareAndSet(this, null, me);
  }

  /** amap_unlock. */
  public void unlock() {
    Kassert.check(owner == Thread.currentThread(), "amap_unlock: amap not locked by this thread");
    owner = null; // volatile write: releases what was done under the lock
  }

  /** mutex_owned(&amap->am_l). */
  public boolean isLocked() {
    return owner == Thread.currentThread();
  }

  private void checkLocked(String where) {
    if (owner != Thread.currentThread()) {
      throw new UvmPanic("KASSERT failed: " + where + ": amap#" + id + " not locked");
    }
  }

  /** Runs {@link AmapAudit#check} on this amap. */
  public void audit() {
    AmapAudit.check(this);
  }

  // ---------------------------------------------------------------------------------------------
  // allocation

  /** AMAP_B2SLOT: bytes to slots; the byte count must be page aligned. */
  static long b2slot(long bytes) {
    Kassert.check((bytes & PAGE_MASK) == 0, "AMAP_B2SLOT: byte count not page aligned");
    Kassert.check(bytes >= 0, "AMAP_B2SLOT: negative byte count");
    return bytes >>> PAGE_SHIFT;
  }

  /** amap_roundup_slots: round up so the int array fills kmem's allocation quantum. */
  // uvm_amap.c: amap_roundup_slots
  static long roundupSlots(long slots) {
    long bytes = slots * Integer.BYTES;
    long rounded = (bytes + KMEM_QUANTUM_SIZE - 1) & ~(long) (KMEM_QUANTUM_SIZE - 1);
    return rounded / Integer.BYTES;
  }

  /**
   * amap_alloc1: allocate an amap and its arrays, without filling the overlay or listing it.
   *
   * <p>=> returns an unlocked amap with {@code ref == 1}, {@code nslot == slots}, {@code maxslot}
   * the rounded-up {@code slots + padslots}; or null if any allocation failed (everything obtained
   * so far is given back). <br>
   * => the overlay is zero (Java arrays are born zeroed; the seed's callers memset it).
   */
  // uvm_amap.c: amap_alloc1
  static Amap alloc1(UvmServices svc, long slots, long padslots, boolean nowait) {
    AmapAllocator a = svc.allocator();
    long want = roundupSlots(slots + padslots);
    if (want > a.maxElements()) {
      // no size class can hold it: fail like kmem_alloc of an impossible size
      return null;
    }
    int totalslots = (int) want;
    int amid = a.amapStruct(nowait);
    if (amid == 0) {
      return null;
    }
    Amap amap = new Amap(svc, amid, false);
    amap.ref = 1;
    amap.flags = 0;
    amap.ppref = null;
    amap.maxslot = totalslots;
    amap.nslot = (int) slots;
    amap.nused = 0;
    amap.slots = a.slotList(totalslots, 0, nowait);
    if (amap.slots != null) {
      amap.bckptr = a.ints(AmapAllocator.Kind.BCKPTR, totalslots, nowait);
      if (amap.bckptr != null) {
        amap.anon = a.overlay(totalslots, nowait);
        if (amap.anon != null) {
          return amap;
        }
        a.free(AmapAllocator.Kind.BCKPTR, totalslots, amap.bckptr);
      }
      a.freeSlotList(totalslots, amap.slots);
    }
    a.free(AmapAllocator.Kind.AMAP, 1);
    // (the seed also bumps uvm_extrapages here under NOWAIT: amap arrays live in the Java heap,
    // not in frames the page daemon could free, so there is nothing to hint)
    return null;
  }

  /**
   * amap_alloc: allocate an amap to manage {@code sz} bytes of anonymous memory, with room to grow
   * by {@code padsz} bytes without reallocating.
   *
   * <p>=> {@code sz} and {@code padsz} are page multiples. <br>
   * => returns the amap unlocked, {@code ref == 1}, empty, on the machine's amap list; or null if
   * the allocation failed (NOWAIT, or a size no allocation can satisfy).
   */
  // uvm_amap.c: amap_alloc
  public static Amap alloc(UvmServices svc, long sz, long padsz, boolean nowait) {
    long slots = b2slot(sz);
    long padslots = b2slot(padsz);
    Amap amap = alloc1(svc, slots, padslots, nowait);
    if (amap != null) {
      // the overlay is already all null (memset in the seed)
      svc.amapList().insert(amap);
    }
    if (log.isTraceEnabled()) {
      log.trace("amap_alloc: sz={} pad={} -> {}", sz, padsz, amap);
    }
    return amap;
  }

  /**
   * amap_free: give an amap's arrays and structure back.
   *
   * <p>=> amap unlocked, {@code ref == 0}, empty, not in swap-off, already off the amap list.
   */
  // uvm_amap.c: amap_free
  private void free() {
    Kassert.check(ref == 0 && nused == 0, "amap_free: amap still referenced or not empty");
    Kassert.check((flags & AMAP_SWAPOFF) == 0, "amap_free: amap in swap-off");
    Kassert.check(!isLocked(), "amap_free: amap locked");
    AmapAllocator a = svc.allocator();
    a.freeSlotList(maxslot, slots);
    a.free(AmapAllocator.Kind.BCKPTR, maxslot, bckptr);
    a.free(AmapAllocator.Kind.OVERLAY, maxslot, anon);
    if (hasPpref()) {
      a.free(AmapAllocator.Kind.PPREF, maxslot, ppref);
    }
    a.free(AmapAllocator.Kind.AMAP, 1);
    slots = null;
    bckptr = null;
    anon = null;
    ppref = null;
    freed = true;
    if (log.isTraceEnabled()) {
      log.trace("amap_free: freed amap#{}", id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // extend

  /**
   * amap_extend: grow the amap of {@code entry} so it also covers {@code addsize} bytes directly
   * after ({@link #AMAP_EXTEND_FORWARDS}) or before ({@link #AMAP_EXTEND_BACKWARDS}) the entry. The
   * caller moves {@code entry.start()/end} afterwards; backwards growth moves the aref's page
   * offset.
   *
   * <p>=> map locked; amap unlocked (locked inside); {@code ref == 1} (never extend a shared amap).
   * <br>
   * => returns 0, {@link Errno#E2BIG} if a reallocation would reach {@link #UVM_AMAP_LARGE} slots,
   * or {@link Errno#ENOMEM} if a NOWAIT reallocation failed (the amap is unchanged).
   */
  // uvm_amap.c: amap_extend
  public static int extend(AmapEntry entry, long addsize, int flags) {
    Amap amap = entry.aref().amap;
    final int slotoff = entry.aref().pageOffset;
    final boolean forwards = (flags & AMAP_EXTEND_FORWARDS) != 0;
    final boolean nowait = (flags & AMAP_EXTEND_NOWAIT) != 0;
    if (log.isTraceEnabled()) {
      log.trace("amap_extend: amap#{} addsize={} flags={}", amap.id, addsize, flags);
    }

    // how many slots we need; the aref may start past slot 0 (unused slots before us)
    amap.lock();
    Kassert.check(amap.ref == 1, "amap_extend: amap is shared");
    final int slotmapped = (int) b2slot(entry.end() - entry.start());
    final long slotaddL = b2slot(addsize);
    final long slotneedL;
    long slotadjL = 0;
    int slotspace = 0;
    if (forwards) {
      slotneedL = slotoff + slotmapped + slotaddL;
    } else {
      slotneedL = slotaddL + slotmapped;
      slotadjL = slotaddL - slotoff;
      slotspace = amap.maxslot - slotmapped;
    }

    // With per-page counts switched off (a clip whose NOWAIT ppref allocation failed) nothing
    // wiped the slots that a partial unmap gave up: with one reference, every anon outside the
    // entry's window is unreachable, and growing over it would resurrect old data (cases 1 and 2f)
    // or break the slot renumbering of a backwards slide (2b, 3b). Drop them first. (Without
    // ppref ever established, a one-reference amap has no anon outside its window: the VM never
    // makes one, and shiftSlots still panics on it.)
    if (amap.isPprefDisabled()) {
      amap.wipeOutsideWindow(slotoff, slotmapped);
    }

    // case 1: the slots already exist; only bump the per-page counts of the new part
    if (forwards) {
      if (amap.nslot >= slotneedL) {
        if (amap.hasPpref()) {
          amap.ppAdjref(slotoff + slotmapped, (int) slotaddL, 1);
        }
        amap.unlock();
        traceCase("1f", amap, slotneedL);
        return 0;
      }
    } else {
      if (slotadjL <= 0) {
        int newoff = slotoff - (int) slotaddL;
        entry.aref().pageOffset = newoff;
        if (amap.hasPpref()) {
          amap.ppAdjref(newoff, (int) slotaddL, 1);
        }
        amap.unlock();
        traceCase("1b", amap, slotneedL);
        return 0;
      }
    }

    // case 2: padding was allocated; take it into use without reallocating
    if (amap.maxslot >= slotneedL) {
      final int slotadd = (int) slotaddL;
      final int slotneed = (int) slotneedL;
      if (forwards) {
        if (amap.hasPpref()) {
          if (slotoff + slotmapped < amap.nslot) {
            amap.ppAdjref(slotoff + slotmapped, amap.nslot - (slotoff + slotmapped), 1);
          }
          Ppref.set(amap.ppref, amap.nslot, 1, slotneed - amap.nslot);
        }
        amap.nslot = slotneed;
        // am_anon beyond nslot was zeroed at allocation and allocations never shrink
        amap.unlock();
        traceCase("2f", amap, slotneedL);
        return 0;
      }
      // (the seed slides in place with memmove; the chunked arrays are moved into fresh ones of the
      // same capacity, which leaves everything outside the moved window empty / zero)
      final AmapAllocator a2 = amap.svc.allocator();
      if (amap.hasPpref()) {
        // slide the counts of the pages in use up; the gap in front: unreferenced, then ours
        IntSlots np = new IntSlots(amap.maxslot, a2.pprefFlatSlots(), a2.rootFan(), a2.budget());
        IntSlots.move(amap.ppref, slotoff, np, slotspace, slotmapped);
        Ppref.set(np, 0, 0, slotspace - slotadd);
        Ppref.set(np, slotspace - slotadd, 1, slotadd);
        amap.ppref.release();
        amap.ppref = np;
      }
      // slide the anons up and clear the space just made
      AnonSlots na = new AnonSlots(amap.maxslot, a2.flatSlots(), a2.rootFan(), a2.budget());
      AnonSlots.move(amap.anon, slotoff, na, slotspace, slotmapped);
      amap.anon.release();
      amap.anon = na;
      // slide the back pointers up (the old cells are don't-care)
      IntSlots nb = new IntSlots(amap.maxslot, a2.flatSlots(), a2.rootFan(), a2.budget());
      IntSlots.move(amap.bckptr, slotoff, nb, slotspace, slotmapped);
      amap.bckptr.release();
      amap.bckptr = nb;
      // and renumber the occupied slots
      amap.shiftSlots(amap.slots, amap.slots, slotoff, slotmapped, slotspace - slotoff);
      amap.nslot = amap.maxslot;
      entry.aref().pageOffset = slotspace - slotadd;
      amap.unlock();
      traceCase("2b", amap, slotneedL);
      return 0;
    }

    // case 3: reallocate the arrays and copy everything over (unlocked while allocating)
    amap.unlock();
    if (slotneedL >= UVM_AMAP_LARGE) {
      return Errno.E2BIG;
    }
    final int slotadd = (int) slotaddL;
    final int slotneed = (int) slotneedL;
    final int slotalloc = (int) roundupSlots(slotneed);
    AmapAllocator a = amap.svc.allocator();
    IntSlots newppref = null;
    if (amap.hasPpref()) {
      newppref = a.ints(AmapAllocator.Kind.PPREF, slotalloc, nowait);
    }
    // (the new list keeps the old one's length, not just nused, so the add that follows does not
    // grow it again at once)
    int[] newsl = a.slotList(slotalloc, Math.max(amap.nused, amap.slots.length), nowait);
    IntSlots newbck = a.ints(AmapAllocator.Kind.BCKPTR, slotalloc, nowait);
    AnonSlots newover = a.overlay(slotalloc, nowait);
    if (newsl == null || newbck == null || newover == null) {
      if (newppref != null) {
        a.free(AmapAllocator.Kind.PPREF, slotalloc, newppref);
      }
      if (newsl != null) {
        a.freeSlotList(slotalloc, newsl);
      }
      if (newbck != null) {
        a.free(AmapAllocator.Kind.BCKPTR, slotalloc, newbck);
      }
      if (newover != null) {
        a.free(AmapAllocator.Kind.OVERLAY, slotalloc, newover);
      }
      return Errno.ENOMEM;
    }
    amap.lock();
    Kassert.check(amap.maxslot < slotneed, "amap_extend: amap grew while unlocked");

    // copy everything over to the new arrays (the seed's slotadded = slotalloc - nslot cells after
    // the copied part need no memset: the new arrays are born zeroed); the old arrays are dropped
    // below, so whole chunks are moved rather than copied where the shift keeps them aligned
    if (!forwards) {
      slotspace = slotalloc - slotmapped;
    }

    int[] oldsl = amap.slots;
    if (newsl.length < amap.nused) {
      int[] grown = java.util.Arrays.copyOf(newsl, amap.nused);
      a.slotListGrown(newsl, grown);
      newsl = grown;
    }
    if (forwards) {
      System.arraycopy(oldsl, 0, newsl, 0, amap.nused);
    } else {
      amap.shiftSlots(oldsl, newsl, slotoff, slotmapped, slotspace - slotoff);
    }
    amap.slots = newsl;

    AnonSlots oldover = amap.anon;
    if (forwards) {
      AnonSlots.move(oldover, 0, newover, 0, amap.nslot);
    } else {
      AnonSlots.move(oldover, slotoff, newover, slotspace, slotmapped);
      // newover[0, slotspace) is born zeroed
    }
    amap.anon = newover;

    IntSlots oldbck = amap.bckptr;
    if (forwards) {
      IntSlots.move(oldbck, 0, newbck, 0, amap.nslot);
    } else {
      IntSlots.move(oldbck, slotoff, newbck, slotspace, slotmapped);
    }
    amap.bckptr = newbck;

    IntSlots oldppref = amap.ppref;
    if (newppref != null) {
      if (forwards) {
        IntSlots.move(oldppref, 0, newppref, 0, amap.nslot);
      } else {
        IntSlots.move(oldppref, slotoff, newppref, slotspace, slotmapped);
      }
      amap.ppref = newppref;
      if (forwards && slotoff + slotmapped < amap.nslot) {
        amap.ppAdjref(slotoff + slotmapped, amap.nslot - (slotoff + slotmapped), 1);
      }
      if (forwards) {
        Ppref.set(newppref, amap.nslot, 1, slotneed - amap.nslot);
      } else {
        Ppref.set(newppref, 0, 0, slotalloc - slotneed);
        Ppref.set(newppref, slotalloc - slotneed, 1, slotneed - slotmapped);
      }
    } else if (amap.hasPpref()) {
      // the counts could not be carried over: give up on them for this amap
      amap.ppref = PPREF_NONE;
    }

    // update master values
    if (forwards) {
      amap.nslot = slotneed;
    } else {
      entry.aref().pageOffset = slotspace - slotadd;
      amap.nslot = slotalloc;
    }
    final int oldnslots = amap.maxslot;
    amap.maxslot = slotalloc;
    amap.unlock();

    a.freeSlotList(oldnslots, oldsl);
    a.free(AmapAllocator.Kind.BCKPTR, oldnslots, oldbck);
    a.free(AmapAllocator.Kind.OVERLAY, oldnslots, oldover);
    if (oldppref != null && oldppref != PPREF_NONE) {
      a.free(AmapAllocator.Kind.PPREF, oldnslots, oldppref);
    }
    traceCase("3", amap, slotneedL);
    return 0;
  }

  /**
   * Wipes every anon outside {@code [slotoff, slotoff + slotmapped)}: with one reference and no
   * per-page counts they are left over from a partial unmap that could not count pages.
   */
  private void wipeOutsideWindow(int slotoff, int slotmapped) {
    if (nused == 0) {
      return;
    }
    wiperange(0, slotoff);
    int end = slotoff + slotmapped;
    if (end < nslot) {
      wiperange(end, nslot - end);
    }
  }

  /**
   * Copies {@code from[0..nused)} into {@code to}, adding {@code delta} to each slot number: the
   * renumbering of a backwards extend. Every occupied slot must lie in the moved window {@code
   * [slotoff, slotoff + slotmapped)} — the seed assumes this without checking (with a reference
   * count of one the per-page counts have wiped everything outside the window); an anon outside it
   * would leave slots/bckptr inconsistent, so it panics here instead.
   */
  private void shiftSlots(int[] from, int[] to, int slotoff, int slotmapped, int delta) {
    for (int i = 0; i < nused; i++) {
      int s = from[i];
      if (s < slotoff || s >= slotoff + slotmapped) {
        throw new UvmPanic(
            "amap_extend: amap#" + id + " slot " + s + " occupied outside the entry's window");
      }
      to[i] = s + delta;
    }
  }

  private static void traceCase(String c, Amap amap, long slotneed) {
    if (log.isTraceEnabled()) {
      log.trace("amap_extend: done (case {}), amap#{} slotneed={}", c, amap.id, slotneed);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // share_protect, wipeout

  /**
   * amap_share_protect: lower the protection of every resident page in {@code entry}'s window to
   * {@code prot} in every pmap ({@code pmap_page_protect}: the mappers of a shared amap cannot be
   * enumerated). Walks {@code am_anon} over the window when it is smaller than {@code nused}, else
   * {@code am_slots}.
   *
   * <p>=> entry's map and this amap locked; {@code entry.aref().amap == this}.
   */
  // uvm_amap.c: amap_share_protect
  public void shareProtect(AmapEntry entry, int prot) {
    checkLocked("amap_share_protect");
    Kassert.check(entry.aref().amap == this, "amap_share_protect: entry does not use this amap");
    int nslots = (int) b2slot(entry.end() - entry.start());
    int start = entry.aref().pageOffset;
    int stop = start + nslots;
    if (nslots < nused) {
      // cheaper to traverse am_anon
      for (int lcv = start; lcv < stop; lcv++) {
        Anon an = anon.get(lcv);
        if (an != null && an.page != null) {
          svc.pageProtect(an.page, prot);
        }
      }
      return;
    }
    // cheaper to traverse am_slots
    for (int lcv = 0; lcv < nused; lcv++) {
      int slot = slots[lcv];
      if (slot < start || slot >= stop) {
        continue;
      }
      Anon an = anon.get(slot);
      if (an.page != null) {
        svc.pageProtect(an.page, prot);
      }
    }
  }

  /**
   * amap_wipeout: drop every anon of an amap whose last reference is gone, then free the amap.
   *
   * <p>=> amap locked, {@code ref == 0}; it is unlocked (and freed) on return. <br>
   * => if swap-off is paging in one of its anons ({@link #AMAP_SWAPOFF}) it is only unlocked:
   * swap-off calls wipeout again when it is done.
   */
  // uvm_amap.c: amap_wipeout
  public void wipeout() {
    checkLocked("amap_wipeout");
    Kassert.check(ref == 0, "amap_wipeout: amap still referenced");
    if (log.isTraceEnabled()) {
      log.trace("amap_wipeout: amap#{} nused={}", id, nused);
    }
    if ((flags & AMAP_SWAPOFF) != 0) {
      // amap_swap_off will call us again
      unlock();
      return;
    }
    svc.amapList().remove(this);
    // nobody can reach the amap any more
    unlock();
    for (int lcv = 0; lcv < nused; lcv++) {
      int slot = slots[lcv];
      Anon an = anon.get(slot);
      if (an == null || an.ref == 0) {
        throw new UvmPanic(
            "amap_wipeout: amap#" + id + " slot " + slot + " lists " + an + " (null or ref 0)");
      }
      an.lock();
      int refs = --an.ref;
      an.unlock();
      if (refs == 0) {
        // we had the last reference to the anon: free it
        an.free(svc);
      }
    }
    nused = 0;
    free();
  }

  // ---------------------------------------------------------------------------------------------
  // copy, cow_now

  /**
   * amap_copy: make {@code entry}'s needs-copy flag false by giving it a private amap.
   *
   * <ul>
   *   <li>No amap yet: a large entry ({@code >= UVM_AMAP_LARGE} pages) is first clipped to {@code
   *       [startva, endva)} rounded out to {@link #UVM_AMAP_CHUNK}-page boundaries (unless {@link
   *       #AMAP_COPY_NOCHUNK}); then it may merge into a neighbour with a private amap (unless
   *       {@link #AMAP_COPY_NOMERGE}); otherwise it gets a fresh zero amap.
   *   <li>Only reference ({@code ref == 1}): take the amap over.
   *   <li>Otherwise copy the entry's window into a new amap (the anons become shared
   *       copy-on-write), re-checking the reference count after the allocation (it may have dropped
   *       to one while we slept).
   * </ul>
   *
   * <p>=> {@code map} write-locked by the caller; the entry's amap unlocked. <br>
   * => on allocation failure NEEDSCOPY stays set (callers wait and retry).
   */
  // uvm_amap.c: amap_copy
  public static <E extends AmapEntry> void copy(
      AmapMap<E> map, E entry, int flags, long startva, long endva) {
    final boolean nowait = (flags & AMAP_COPY_NOWAIT) != 0;
    final boolean canchunk = (flags & AMAP_COPY_NOCHUNK) == 0;
    if (log.isTraceEnabled()) {
      log.trace(
          "amap_copy: entry [{}, {}) flags={}",
          Long.toHexString(entry.start()),
          Long.toHexString(entry.end()),
          flags);
    }

    // no amap to copy: create one from scratch
    if (entry.aref().amap == null) {
      // a large entry is clipped to chunk-aligned boundaries around [startva, endva)
      if (canchunk && ((entry.end() - entry.start()) >>> PAGE_SHIFT) >= UVM_AMAP_LARGE) {
        long chunksize = (long) UVM_AMAP_CHUNK << PAGE_SHIFT;
        startva = (startva / chunksize) * chunksize;
        endva = roundup(endva, chunksize);
        if (startva > entry.start()) { // UVM_MAP_CLIP_START
          map.clipStart(entry, startva);
        }
        // watch out for endva wrap-around!
        if (endva >= startva && endva < entry.end()) { // UVM_MAP_CLIP_END
          map.clipEnd(entry, endva);
        }
      }
      if ((flags & AMAP_COPY_NOMERGE) == 0 && map.tryMergeCopying(entry)) {
        return;
      }
      entry.aref().pageOffset = 0;
      entry.aref().amap = alloc(map.services(), entry.end() - entry.start(), 0, nowait);
      if (entry.aref().amap != null) {
        entry.clearNeedsCopy();
      }
      return;
    }

    // the only reference (read unlocked: it can only be 1 through our locked map): take it over
    if (entry.aref().amap.ref == 1) {
      entry.clearNeedsCopy();
      return;
    }

    // must copy the map
    Amap srcamap = entry.aref().amap;
    final int slots = (int) b2slot(entry.end() - entry.start());
    // the copy's chunks are charged as they are written and cannot fail: refuse up front a copy
    // the metadata budget could not hold (at most the source's storage), as a failed allocation
    if (!srcamap.svc.allocator().budget().allows(srcamap.storageBytes(), 0)) {
      srcamap.svc.allocator().budget().noteRefused();
      return;
    }
    Amap amap = alloc1(srcamap.svc, slots, 0, nowait);
    if (amap == null) {
      return;
    }
    srcamap.lock();

    // re-check now that the source is locked: the count may have dropped while we allocated
    if (srcamap.ref == 1) {
      entry.clearNeedsCopy();
      amap.ref--; // drop the final reference to the unused new amap
      amap.free();
      srcamap.unlock();
      return;
    }

    // copy it now
    final int pageoff = entry.aref().pageOffset;
    Kassert.check(pageoff + slots <= srcamap.nslot, "amap_copy: entry window beyond am_nslot");
    // (chunked: only the source chunks that exist in the window are visited, in slot order as the
    // seed's loop over every slot, so a huge sparse window costs its chunks, not its slots)
    final AnonSlots src = srcamap.anon;
    final int end = pageoff + slots;
    for (int base = src.nextLeaf(pageoff);
        base >= 0 && base < end;
        base = src.nextLeaf(base + ChunkedSlots.CHUNK)) {
      int hi = Math.min(base + ChunkedSlots.CHUNK, end);
      for (int srcslot = Math.max(base, pageoff); srcslot < hi; srcslot++) {
        Anon an = src.get(srcslot);
        if (an == null) {
          continue;
        }
        int lcv = srcslot - pageoff;
        amap.anon.set(lcv, an);
        an.lock();
        an.ref++;
        an.unlock();
        amap.bckptr.set(lcv, amap.nused);
        amap.appendSlot(lcv);
      }
    }
    // amap.anon elsewhere is born empty

    // drop our reference to the source (it was > 1 so it cannot reach 0)
    srcamap.ref--;
    Kassert.check(srcamap.ref > 0, "amap_copy: source reference dropped to 0");
    if (srcamap.ref == 1 && (srcamap.flags & AMAP_SHARED) != 0) {
      srcamap.flags &= ~AMAP_SHARED;
    }
    if (srcamap.hasPpref()) {
      srcamap.ppAdjref(pageoff, slots, -1);
    }
    srcamap.unlock();
    srcamap.svc.amapList().insert(amap);

    // install the new amap
    entry.aref().pageOffset = 0;
    entry.aref().amap = amap;
    entry.clearNeedsCopy();
    if (log.isTraceEnabled()) {
      log.trace("amap_copy: amap#{} -> amap#{} ({} anons)", srcamap.id, amap.id, amap.nused);
    }
  }

  private static long roundup(long x, long y) {
    return ((x + (y - 1)) / y) * y;
  }

  /**
   * amap_cow_now: resolve every copy-on-write of {@code entry}'s amap now (fork of a wired entry:
   * the parent's wired pages must not be write-protected, so the child gets its own copies).
   *
   * <p>=> the child's entry, just given a private amap by {@link #copy}; parent and child maps
   * locked; the parent's pages all resident and wired; page queues unlocked. <br>
   * => if a page is busy or memory runs out it unlocks the amap, waits ({@link
   * UvmServices#pageWait} / {@link UvmServices#waitForMemory}) with both maps still locked, and
   * restarts from the first slot (the slot order may have changed). <br>
   * => returns 0, or {@link Errno#ENOMEM} after {@link #COW_NOW_MAX_MEMORY_WAITS} waits for memory
   * in a row that freed nothing usable (the seed waits forever: with every page wired and no page
   * daemon that is a hang; fork fails instead). Anons copied so far stay in the amap. <br>
   * => post (on 0): no anon of the amap is shared, except loaned pages (read-only everywhere).
   */
  // uvm_amap.c: amap_cow_now
  public static int cowNow(AmapEntry entry) {
    Amap amap = entry.aref().amap;
    UvmServices svc = amap.svc;
    int memoryWaits = 0; // waits for memory since the last successful copy
    restart:
    for (; ; ) {
      amap.lock();
      for (int lcv = 0; lcv < amap.nused; lcv++) {
        int slot = amap.slots[lcv];
        Anon an = amap.anon.get(slot);
        an.lock();

        // one reference: already copied (we slept during an earlier pass); may be paged out
        if (an.ref == 1) {
          Kassert.check(
              an.page != null || an.swslot != 0, "amap_cow_now: private anon has no data");
          an.unlock();
          continue;
        }

        // the old page must be resident since the parent is wired
        VmPage pg = an.page;
        Kassert.check(pg != null, "amap_cow_now: shared anon not resident");
        Kassert.check(pg.wireCount > 0, "amap_cow_now: shared anon page not wired");

        // a loaned page is already mapped read-only everywhere: nothing to copy
        if (pg.loanCount != 0) {
          an.unlock();
          continue;
        }
        Kassert.check(
            pg.anon == an && pg.object == null, "amap_cow_now: page not owned by its anon");

        // busy: wait for it and restart
        if ((pg.flags & VmPage.PG_BUSY) != 0) {
          pg.flags |= VmPage.PG_WANTED;
          amap.unlock();
          an.unlock(); // UVM_UNLOCK_AND_WAIT drops the anon lock as it sleeps
          svc.pageWait(pg, "cownow");
          continue restart;
        }

        // copy-on-write to a new anon
        Anon nanon = Anon.alloc(svc);
        VmPage npg = nanon != null ? svc.pageAlloc(nanon) : null;
        if (nanon == null || npg == null) {
          // wait for memory a few times; if that frees nothing, fail (fork returns ENOMEM)
          if (nanon != null) {
            nanon.ref--;
            nanon.unlock();
            nanon.free(svc);
          }
          an.unlock();
          amap.unlock();
          if (memoryWaits == COW_NOW_MAX_MEMORY_WAITS) {
            if (log.isDebugEnabled()) {
              log.debug("amap_cow_now: amap#{} out of memory, giving up", amap.id);
            }
            return Errno.ENOMEM;
          }
          memoryWaits++;
          svc.waitForMemory("cownowpage");
          continue restart;
        }
        memoryWaits = 0;
        svc.pageCopy(pg, npg); // old -> new
        an.ref--; // cannot drop to zero
        Kassert.check(an.ref > 0, "amap_cow_now: old anon lost its last reference");
        amap.anon.set(slot, nanon); // same slot: slots/bckptr unchanged

        // unbusy the new page: its owner was locked the whole time (no RELEASED or WANTED)
        svc.pageActivate(npg);
        npg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
        nanon.unlock();
        an.unlock();
      }
      amap.unlock();
      return 0;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // splitref, ppref

  /**
   * amap_splitref: split one reference into two (map-entry clipping): {@code split} will use the
   * slots from {@code offset} bytes into {@code orig}'s range.
   *
   * <p>=> {@code orig}'s map locked; amap unlocked. {@code split} is a copy of {@code orig} (same
   * amap); {@code offset > 0} and the right part lies within {@code nslot}. <br>
   * => per-page counts are established first (so the two halves can later be freed separately),
   * then {@code ref} grows by one.
   */
  // uvm_amap.c: amap_splitref
  public static void splitref(Aref orig, Aref split, long offset) {
    Kassert.check(split.amap == orig.amap, "amap_splitref: arefs use different amaps");
    long leftslots = b2slot(offset);
    Kassert.check(leftslots != 0, "amap_splitref: split at offset 0");
    Amap amap = orig.amap;
    amap.lock();
    Kassert.check(
        amap.nslot - orig.pageOffset - leftslots > 0, "amap_splitref: split point past am_nslot");
    // establish ppref before we add a duplicate reference to the amap
    if (amap.ppref == null) {
      amap.ppEstablish(orig.pageOffset);
    }
    amap.ref++; // not a share reference
    split.pageOffset = orig.pageOffset + (int) leftslots;
    amap.unlock();
  }

  /**
   * Grows {@code entry}'s window over the {@code addsize} bytes after it ({@code forwards}) or
   * before it when those slots exist and no reference covers them (per-page counts 0, so they hold
   * no anon): other references to the amap (other parts of the same mapping) do not reach them, so
   * the entry may take them over, as {@code amap_extend}'s case 1 does for a one-reference amap.
   * Used by map-entry merging (a range a clip and an unmap or discard left between two parts of one
   * amap); not in NetBSD, whose amap_extend requires one reference.
   *
   * <p>=> map locked; amap unlocked (locked inside).
   *
   * @return whether the window grew (false, nothing changed, without per-page counts, outside
   *     {@code [0, nslot)} or when a slot is referenced)
   */
  // uvm_amap.c: amap_extend (case 1, slots nobody references)
  public static boolean extendUnreferenced(AmapEntry entry, long addsize, boolean forwards) {
    Amap amap = entry.aref().amap;
    final long slotsL = b2slot(addsize);
    final int off = entry.aref().pageOffset;
    final long mapped = b2slot(entry.end() - entry.start());
    final long fromL = forwards ? off + mapped : off - slotsL;
    amap.lock();
    try {
      if (!amap.hasPpref() || fromL < 0 || slotsL <= 0 || fromL + slotsL > amap.nslot) {
        return false;
      }
      final int from = (int) fromL;
      final int stop = (int) (fromL + slotsL);
      for (int lcv = 0, len; lcv < stop; lcv += len) {
        len = Ppref.len(amap.ppref, lcv);
        if (lcv + len > from && Ppref.ref(amap.ppref, lcv) != 0) {
          return false;
        }
      }
      for (int slot = from; slot < stop; slot++) {
        Kassert.check(amap.anonAt(slot) == null, "amap_extend: unreferenced slot holds an anon");
      }
      amap.ppAdjref(from, stop - from, 1);
      if (!forwards) {
        entry.aref().pageOffset = from;
      }
      return true;
    } finally {
      amap.unlock();
    }
  }

  /**
   * The inverse of {@link #splitref} (map-entry merging, {@code uvm_mapent_trymerge}): {@code
   * right}'s window directly follows {@code left}'s in the same amap; {@code left} takes it over
   * and the two references become one. The per-page counts do not change (each page keeps its one
   * reference from this map); {@link #AMAP_SHARED} is cleared when one reference is left.
   *
   * <p>=> map locked; amap unlocked. {@code right} is cleared by the caller.
   */
  // uvm_map.c: uvm_mapent_trymerge (amap_splitref undone)
  public static void joinref(Aref left, Aref right) {
    Kassert.check(left.amap == right.amap, "amap_joinref: arefs use different amaps");
    Amap amap = left.amap;
    amap.lock();
    Kassert.check(amap.ref >= 2, "amap_joinref: fewer than two references");
    if (amap.ref == 2 && (amap.flags & AMAP_SHARED) != 0) {
      amap.flags &= ~AMAP_SHARED; // it is about to become 1
    }
    amap.ref--;
    amap.unlock();
  }

  /**
   * amap_pp_establish: add per-page reference counts, if memory allows: count 0 over {@code [0,
   * offset)} and {@code ref} over {@code [offset, nslot)} (every current reference is assumed to
   * cover that range). On allocation failure (never waits) the feature is switched off for this
   * amap ({@code PPREF_NONE}).
   *
   * <p>=> amap locked; counts not established yet.
   */
  // uvm_amap.c: amap_pp_establish
  public void ppEstablish(int offset) {
    checkLocked("amap_pp_establish");
    Kassert.check(ppref == null, "amap_pp_establish: ppref already established");
    Kassert.check(offset >= 0 && offset <= nslot, "amap_pp_establish: offset out of range");
    IntSlots p = svc.allocator().ints(AmapAllocator.Kind.PPREF, maxslot, true);
    if (p == null) {
      ppref = PPREF_NONE; // not using it
      return;
    }
    Ppref.set(p, 0, 0, offset);
    Ppref.set(p, offset, ref, nslot - offset);
    ppref = p;
  }

  /**
   * amap_pp_adjref: add {@code adjval} to the per-page counts of {@code [curslot, curslot +
   * slotlen)}, splitting runs at both ends and merging the first changed run into the run before it
   * when their counts become equal. Ranges whose count reaches zero are wiped ({@link #wiperange}):
   * their anons are released at once.
   *
   * <p>=> map and amap locked; counts established (not {@code PPREF_NONE}). <br>
   * => panics if a count would become negative.
   */
  // uvm_amap.c: amap_pp_adjref
  public void ppAdjref(int curslot, int slotlen, int adjval) {
    checkLocked("amap_pp_adjref");
    Kassert.check(hasPpref(), "amap_pp_adjref: no ppref");
    final int stopslot = curslot + slotlen;
    Kassert.check(
        curslot >= 0 && slotlen >= 0 && stopslot <= nslot, "amap_pp_adjref: range out of bounds");
    // The same algorithm twice: over the seed's flat int[] (am_ppref of up to
    // AmapAllocator.PPREF_FLAT_SLOTS slots), where each cell is one array load as in the seed, and
    // over the chunk tree of larger amaps through its near leaf (docs/amap.md, "amap_pp_adjref on
    // chunked ppref").
    final int[] flat = ppref.flatLeaf();
    if (flat != null) {
      ppAdjref(flat, curslot, stopslot, adjval);
    } else {
      ppAdjref(ppref, curslot, stopslot, adjval);
    }
  }

  /** {@link #ppAdjref(int, int, int)} over flat {@code am_ppref} (the seed's code). */
  // uvm_amap.c: amap_pp_adjref
  private void ppAdjref(final int[] p, int curslot, int stopslot, int adjval) {
    int lcv;
    int len = 0;
    int prevlcv = 0;

    // advance to the run holding curslot, splitting it there if needed
    for (lcv = 0; lcv < curslot; lcv += len) {
      int r = Ppref.ref(p, lcv);
      len = Ppref.len(p, lcv);
      if (lcv + len > curslot) { // goes past start?
        Ppref.set(p, lcv, r, curslot - lcv);
        Ppref.set(p, curslot, r, len - (curslot - lcv));
        len = curslot - lcv; // new length of the run at lcv
      }
      prevlcv = lcv;
    }
    int prevref;
    int prevlen;
    if (lcv != 0) {
      prevref = Ppref.ref(p, prevlcv);
      prevlen = Ppref.len(p, prevlcv);
    } else {
      // starting at the beginning there is no previous run: make "prevref == ref" fail
      prevref = -1;
      prevlen = 0;
    }

    // adjust the counts in range, merging the first changed run with the previous one if possible
    Kassert.check(lcv == curslot, "amap_pp_adjref: run walk missed curslot");
    for (; lcv < stopslot; lcv += len) {
      int r = Ppref.ref(p, lcv);
      len = Ppref.len(p, lcv);
      if (lcv + len > stopslot) { // goes past end?
        Ppref.set(p, lcv, r, stopslot - lcv);
        Ppref.set(p, stopslot, r, len - (stopslot - lcv));
        len = stopslot - lcv;
      }
      r += adjval;
      if (r < 0) {
        throw new UvmPanic(
            "amap_pp_adjref: amap#" + id + " negative reference count at slot " + lcv);
      }
      if (lcv == prevlcv + prevlen && r == prevref) {
        Ppref.set(p, prevlcv, r, prevlen + len);
      } else {
        Ppref.set(p, lcv, r, len);
      }
      if (r == 0) {
        wiperange(lcv, len);
      }
    }
  }

  /**
   * {@link #ppAdjref(int, int, int)} over chunked {@code am_ppref}: the same lines, every cell
   * through the storage's near leaf.
   */
  // uvm_amap.c: amap_pp_adjref
  private void ppAdjref(final IntSlots p, int curslot, int stopslot, int adjval) {
    int lcv;
    int len = 0;
    int prevlcv = 0;

    // advance to the run holding curslot, splitting it there if needed
    for (lcv = 0; lcv < curslot; lcv += len) {
      int r = Ppref.ref(p, lcv);
      len = Ppref.len(p, lcv);
      if (lcv + len > curslot) { // goes past start?
        Ppref.set(p, lcv, r, curslot - lcv);
        Ppref.set(p, curslot, r, len - (curslot - lcv));
        len = curslot - lcv; // new length of the run at lcv
      }
      prevlcv = lcv;
    }
    int prevref;
    int prevlen;
    if (lcv != 0) {
      prevref = Ppref.ref(p, prevlcv);
      prevlen = Ppref.len(p, prevlcv);
    } else {
      // starting at the beginning there is no previous run: make "prevref == ref" fail
      prevref = -1;
      prevlen = 0;
    }

    // adjust the counts in range, merging the first changed run with the previous one if possible
    Kassert.check(lcv == curslot, "amap_pp_adjref: run walk missed curslot");
    for (; lcv < stopslot; lcv += len) {
      int r = Ppref.ref(p, lcv);
      len = Ppref.len(p, lcv);
      if (lcv + len > stopslot) { // goes past end?
        Ppref.set(p, lcv, r, stopslot - lcv);
        Ppref.set(p, stopslot, r, len - (stopslot - lcv));
        len = stopslot - lcv;
      }
      r += adjval;
      if (r < 0) {
        throw new UvmPanic(
            "amap_pp_adjref: amap#" + id + " negative reference count at slot " + lcv);
      }
      if (lcv == prevlcv + prevlen && r == prevref) {
        Ppref.set(p, prevlcv, r, prevlen + len);
      } else {
        Ppref.set(p, lcv, r, len);
      }
      if (r == 0) {
        wiperange(lcv, len);
      }
    }
  }

  /**
   * amap_wiperange: remove every anon in {@code [slotoff, slotoff + slots)} from the amap and drop
   * its reference, freeing anons that reach zero. Walks {@code am_anon} over the range when it is
   * shorter than {@code nused}, else {@code am_slots} (where the walk only advances past entries it
   * keeps, since removal moves the last entry into the hole).
   *
   * <p>=> map and amap locked. The amap itself stays.
   */
  // uvm_amap.c: amap_wiperange
  public void wiperange(int slotoff, int slots) {
    checkLocked("amap_wiperange");
    Kassert.check(
        slotoff >= 0 && slots >= 0 && slotoff + slots <= nslot,
        "amap_wiperange: range out of bounds");
    final boolean byanon;
    int lcv;
    int stop;
    int slotend = 0;
    if (slots < nused) {
      byanon = true;
      lcv = slotoff;
      stop = slotoff + slots;
    } else {
      byanon = false;
      lcv = 0;
      stop = nused;
      slotend = slotoff + slots;
    }
    while (lcv < stop) {
      int curslot;
      if (byanon) {
        curslot = lcv++; // lcv advances here
        if (anon.get(curslot) == null) {
          continue;
        }
      } else {
        curslot = this.slots[lcv];
        if (curslot < slotoff || curslot >= slotend) {
          lcv++; // lcv advances here
          continue;
        }
        stop--; // the anon will be removed
      }
      final Anon[] leaf = anon.leafNear(curslot); // occupied: the leaf exists
      Anon an = leaf[anon.index(curslot)];

      // remove it from the amap
      removeSlot(curslot, leaf);

      // drop the anon's reference
      an.lock();
      int refs = --an.ref;
      an.unlock();
      if (refs == 0) {
        // we just eliminated the last reference to the anon: free it
        an.free(svc);
      }
    }
  }

  /**
   * Empties occupied {@code slot}, whose am_anon leaf the caller has already found ({@code leaf}):
   * swap-with-last removal from am_slots, back pointer fixed.
   */
  private void removeSlot(int slot, Anon[] leaf) {
    leaf[anon.index(slot)] = null;
    int ptr = bckptr.get(slot);
    if (ptr != nused - 1) { // move the last entry into the hole to keep am_slots packed
      slots[ptr] = slots[nused - 1];
      bckptr.set(slots[ptr], ptr);
    }
    nused--;
  }

  /**
   * Appends {@code slot} to am_slots at position {@code nused} (the caller set its back pointer),
   * growing the dense list when it is full: it holds the occupied slots only, so its size follows
   * {@code nused}, not {@code maxslot}.
   */
  private void appendSlot(int slot) {
    if (nused == slots.length) {
      long grown = Math.max(ChunkedSlots.CHUNK, 2L * slots.length);
      int[] list = java.util.Arrays.copyOf(slots, (int) Math.min(grown, (long) maxslot));
      svc.allocator().slotListGrown(slots, list);
      slots = list;
    }
    slots[nused++] = slot;
  }

  // ---------------------------------------------------------------------------------------------
  // swap_off

  /**
   * amap_swap_off: page in every anon whose swap slot lies in {@code [startslot, endslot)} (the
   * drum range of a device being removed) and drop those slots.
   *
   * <p>Walks the machine's amap list with two marker amaps around the current one, so that the walk
   * survives insertions and removals while the list lock is dropped; amaps are only try-locked
   * (list lock before amap lock is the wrong order) and a busy one is retried after a yield. While
   * an anon is paged in its amap is unlocked and marked {@link #AMAP_SWAPOFF}, so a concurrent last
   * unref leaves the wipeout to us. After each pagein the amap is rescanned from position 0.
   *
   * <p>(Fixed 2009 bug: NB5 restarts the scan by setting the loop index to 0 inside the {@code for}
   * loop, so the increment skips position 0 on every rescan; here the rescan starts at 0.)
   *
   * <p>=> called with the swap-control lock held; no amap or anon lock held. <br>
   * => returns <b>true if it failed</b> (a pagein ran out of memory), false when done — the seed's
   * convention.
   */
  // uvm_amap.c: amap_swap_off
  public static boolean swapOff(AmapList list, int startslot, int endslot) {
    boolean rv = false;
    final Amap markerPrev = marker();
    final Amap markerNext = marker();
    Amap amNext;
    list.lock();
    for (Amap am = list.first(); am != null && !rv; am = amNext) {
      list.insertBefore(am, markerPrev);
      list.insertAfter(am, markerNext);

      if (!am.tryLock()) {
        list.unlock();
        Thread.yield(); // kpause("amapswpo")
        list.lock();
        amNext = list.next(markerPrev);
        if (amNext == markerNext) {
          amNext = list.next(amNext);
        } else {
          Kassert.check(
              list.next(amNext) == markerNext, "amap_swap_off: markers lost the current amap");
        }
        list.unlink(markerPrev);
        list.unlink(markerNext);
        continue;
      }
      list.unlock();

      Amap cur = am;
      for (int i = 0; i < cur.nused; i++) {
        int slot = cur.slots[i];
        Anon an = cur.anon.get(slot);
        an.lock();
        int swslot = an.swslot;
        if (swslot < startslot || endslot <= swslot) {
          an.unlock();
          continue;
        }
        cur.flags |= AMAP_SWAPOFF;
        cur.unlock();
        rv = !cur.svc.anonPagein(an); // unlocks the anon
        cur.lock();
        cur.flags &= ~AMAP_SWAPOFF;
        if (cur.ref == 0) {
          cur.wipeout(); // the last unref happened meanwhile and left it to us
          cur = null;
          break;
        }
        if (rv) {
          break;
        }
        i = -1; // rescan from position 0: the slot order may have changed
      }
      if (cur != null) {
        cur.unlock();
      }

      list.lock();
      Kassert.check(
          list.next(markerPrev) == markerNext || list.next(list.next(markerPrev)) == markerNext,
          "amap_swap_off: markers out of place");
      amNext = list.next(markerNext);
      list.unlink(markerPrev);
      list.unlink(markerNext);
    }
    list.unlock();
    return rv;
  }

  // ---------------------------------------------------------------------------------------------
  // lookup, add, unadd

  private int slotOf(Aref aref, long offset, String where) {
    if ((offset & PAGE_MASK) != 0 || offset < 0) {
      throw new UvmPanic("KASSERT failed: " + where + ": offset not page aligned");
    }
    long slot = (offset >>> PAGE_SHIFT) + aref.pageOffset;
    if (slot >= nslot) {
      throw new UvmPanic(
          "KASSERT failed: "
              + where
              + ": slot "
              + slot
              + " >= am_nslot "
              + nslot
              + " (amap#"
              + id
              + ")");
    }
    return (int) slot;
  }

  /**
   * amap_lookup: the anon of the page {@code offset} bytes into the aref's range, or null.
   *
   * <p>=> amap locked; {@code aref.amap == this}; the slot lies below {@code nslot}.
   */
  // uvm_amap.c: amap_lookup
  public Anon lookup(Aref aref, long offset) {
    checkLocked("amap_lookup");
    Kassert.check(aref.amap == this, "amap_lookup: aref does not use this amap");
    int slot = slotOf(aref, offset, "amap_lookup");
    Anon an = anon.get(slot);
    Kassert.check(an == null || an.ref != 0, "amap_lookup: anon with ref 0");
    return an;
  }

  /**
   * The first page {@code >= page} of the aref's window {@code [0, npages)} whose slot holds an
   * anon, or -1. Chunks that were never used are skipped whole, so walking every anon of a huge,
   * sparsely used window costs its chunks, not its pages (fork's copy of shared pages, memory
   * usage). Not in the seed.
   *
   * <p>=> amap locked; the window lies below {@code nslot}.
   */
  public int nextAnonPage(Aref aref, int page, int npages) {
    checkLocked("amap nextAnonPage");
    Kassert.check(aref.amap == this, "amap nextAnonPage: aref does not use this amap");
    final int start = aref.pageOffset;
    Kassert.check(
        page >= 0 && npages >= 0 && (long) start + npages <= nslot,
        "amap nextAnonPage: window past am_nslot");
    final int end = start + npages;
    int s = start + page;
    while (s < end) {
      int base = anon.nextLeaf(s);
      if (base < 0 || base >= end) {
        return -1;
      }
      int hi = Math.min(base + ChunkedSlots.CHUNK, end);
      for (int x = Math.max(base, s); x < hi; x++) {
        if (anon.get(x) != null) {
          return x - start;
        }
      }
      s = hi;
    }
    return -1;
  }

  /**
   * amap_lookups: the anons of {@code npages} pages from {@code offset} bytes into the aref's
   * range, into {@code anons[0..npages)}.
   *
   * <p>=> amap locked; the last slot lies below {@code nslot}.
   */
  // uvm_amap.c: amap_lookups
  public void lookups(Aref aref, long offset, Anon[] anons, int npages) {
    checkLocked("amap_lookups");
    Kassert.check(aref.amap == this, "amap_lookups: aref does not use this amap");
    Kassert.check(npages > 0 && npages <= anons.length, "amap_lookups: bad npages");
    int slot = slotOf(aref, offset, "amap_lookups");
    Kassert.check((long) slot + (npages - 1) < nslot, "amap_lookups: range past am_nslot");
    anon.getRange(slot, anons, npages);
    for (int i = 0; i < npages; i++) {
      Anon an = anons[i];
      if (an != null && an.ref == 0) {
        throw new UvmPanic("amap_lookups: ref=0 anon in slot " + (slot + i) + " of amap#" + id);
      }
    }
  }

  /**
   * amap_add: put {@code anon} in the slot of the page {@code offset} bytes into the aref's range.
   * With {@code replace} the slot must hold an anon, which is replaced (in a {@link #AMAP_SHARED}
   * amap its resident page is unmapped everywhere first, so other sharers refault onto the new
   * anon); without, the slot must be empty. Reference counts of anons are the caller's business.
   *
   * <p>=> amap locked; with {@code replace} the caller also holds the old anon's lock.
   */
  // uvm_amap.c: amap_add
  public void add(Aref aref, long offset, Anon anon, boolean replace) {
    checkLocked("amap_add");
    Kassert.check(aref.amap == this, "amap_add: aref does not use this amap");
    int slot = slotOf(aref, offset, "amap_add");
    // one walk to the slot's chunk of am_anon (allocated on first use), then plain indexing
    final Anon[] leaf = this.anon.leafForWriteNear(slot);
    final int idx = this.anon.index(slot);
    if (replace) {
      Anon old = leaf[idx];
      Kassert.check(old != null, "amap_add: replacing an empty slot");
      if (old.page != null && (flags & AMAP_SHARED) != 0) {
        svc.pageProtect(old.page, Prot.NONE);
        // (the seed asks: what if the page is supposed to be wired somewhere?)
      }
    } else {
      Kassert.check(leaf[idx] == null, "amap_add: slot already occupied");
      bckptr.set(slot, nused);
      appendSlot(slot);
    }
    leaf[idx] = anon;
  }

  /**
   * amap_unadd: empty the slot of the page {@code offset} bytes into the aref's range. The anon's
   * reference count is the caller's business.
   *
   * <p>=> amap locked; the slot holds an anon.
   */
  // uvm_amap.c: amap_unadd
  public void unadd(Aref aref, long offset) {
    checkLocked("amap_unadd");
    Kassert.check(aref.amap == this, "amap_unadd: aref does not use this amap");
    int slot = slotOf(aref, offset, "amap_unadd");
    // one walk to the slot's chunk of am_anon for the check and the removal
    final Anon[] leaf = anon.leafNear(slot);
    Kassert.check(leaf != null && leaf[anon.index(slot)] != null, "amap_unadd: slot is empty");
    removeSlot(slot, leaf);
  }

  // ---------------------------------------------------------------------------------------------
  // ref, unref

  /**
   * amap_ref: gain a reference covering pages {@code [offset, offset + len)} of the amap. {@link
   * #AMAP_SHARED} in {@code flags} marks the amap shared; {@link #AMAP_REFALL} makes the reference
   * cover the whole amap. Per-page counts are established from the old count first when the
   * reference is partial.
   *
   * <p>=> amap unlocked (locked inside).
   */
  // uvm_amap.c: amap_ref
  public void ref(int offset, int len, int flags) {
    lock();
    if ((flags & AMAP_SHARED) != 0) {
      this.flags |= AMAP_SHARED;
    }
    if (ppref == null && (flags & AMAP_REFALL) == 0 && len != nslot) {
      ppEstablish(offset);
    }
    ref++;
    if (hasPpref()) {
      if ((flags & AMAP_REFALL) != 0) {
        ppAdjref(0, nslot, 1);
      } else {
        ppAdjref(offset, len, 1);
      }
    }
    unlock();
  }

  /**
   * amap_unref: drop a reference covering pages {@code [offset, offset + len)} (the whole amap if
   * {@code all}). The last reference wipes the amap out; otherwise pages nobody references any more
   * lose their anons at once (through the per-page counts).
   *
   * <p>(Fixed 2009 bug: NB5 decrements {@code ref} <em>before</em> establishing per-page counts, so
   * an establish here seeds the range with the new count and the range is decremented twice — its
   * anons can be freed while another reference still maps them. As in NB6's {@code
   * amap_adjref_anons}, the counts are seeded from the count before the change.)
   *
   * <p>=> the caller removed every pmap mapping of the range; the entry is off its map; amap
   * unlocked (locked inside; freed if this was the last reference).
   */
  // uvm_amap.c: amap_unref
  public void unref(int offset, int len, boolean all) {
    lock();
    Kassert.check(ref > 0, "amap_unref: reference count already 0");
    if (ref == 1) {
      // the last reference: free the amap
      ref--;
      wipeout(); // unlocks
      return;
    }
    // otherwise drop the reference count(s)
    if (ref == 2 && (flags & AMAP_SHARED) != 0) {
      flags &= ~AMAP_SHARED; // it is about to become 1
    }
    if (ppref == null && !all && len != nslot) {
      ppEstablish(offset); // from the count before the change (NB6 order)
    }
    ref--;
    if (hasPpref()) {
      if (all) {
        ppAdjref(0, nslot, -1);
      } else {
        ppAdjref(offset, len, -1);
      }
    }
    unlock();
  }

  @Override
  public String toString() {
    if (marker) {
      return "amap-marker";
    }
    return "amap#"
        + id
        + "(ref="
        + ref
        + ", nslot="
        + nslot
        + ", maxslot="
        + maxslot
        + ", nused="
        + nused
        + ", flags="
        + flags
        + (freed ? ", freed" : "")
        + ")";
  }
}
