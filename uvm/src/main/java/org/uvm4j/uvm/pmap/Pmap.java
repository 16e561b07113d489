package org.uvm4j.uvm.pmap;

import java.util.Arrays;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.page.VmPageMd;

/**
 * A software page table for one address space (the machine-dependent {@code pmap} of NetBSD), read
 * by the emulator's TLB-miss path through {@link #tlbLookup}.
 *
 * <p><b>Page table.</b> A four-level radix tree keyed by the virtual page number of a 48-bit
 * address, nine bits per level as on x86-64: directories of 512 references, leaves of 512 {@code
 * long} page-table entries plus a count of valid entries. A PTE holds the frame's physical address
 * (bits 12 and up), the protection ({@link Prot} bits 0–2) and {@link #PTE_WIRED}; a PTE is valid
 * iff it is non-zero (a mapping always has some permission and frame 0 is never mapped). Lookups
 * allocate nothing; a one-leaf cache makes consecutive lookups in the same 2 MiB cheap. Leaves that
 * become empty are released by {@link #update()} (as NetBSD's x86 pmap frees page-table pages after
 * the TLB shootdown).
 *
 * <p><b>pv lists.</b> Every valid PTE has exactly one {@link PvEntry} (this pmap, va) on its page's
 * {@link VmPageMd} list, and every pv entry names a valid PTE mapping that page: {@link #check()}
 * and {@link #checkPage} verify both directions. {@link #pageProtect} reaches all mappings of a
 * page through it.
 *
 * <p><b>Referenced and modified</b> are page attributes ({@link VmPageMd}), set by {@link
 * #tlbLookup}. So that they stay exact while the emulator caches translations, a fill hands out
 * WRITE only once the page is modified (or the access is a write) and EXEC only once it is marked
 * executed (or the access is a fetch); clearing an attribute invalidates the translations that
 * could bypass it. This is the software dirty-bit emulation of pmaps without hardware bits.
 *
 * <p><b>Heap.</b> The top directory, every directory and leaf and every pv entry ever allocated
 * (they are pooled per pmap) are charged to the machine's {@link MetadataBudget} and counted in
 * {@link #tableBytes()}; released leaves and directories, and everything at {@link #destroy()}, are
 * given back. Entering a mapping cannot fail (the fault handler checks the budget before it
 * starts).
 *
 * <p><b>TLB.</b> Every removal or weakening of a translation calls the {@link TlbListener} once per
 * operation with the range actually affected; upgrades never do.
 *
 * <p><b>Locking.</b> A pmap and the pv lists are used by the machine's single CPU thread, which
 * also runs the TLB-miss path; like a uniprocessor kernel at splvm, they take no lock. The callers
 * (map, fault, amap and page-daemon code) hold their own locks around pmap calls.
 */
public final class Pmap {
  /** PTE bit: the mapping is wired (pmap_enter with PMAP_WIRED). */
  public static final long PTE_WIRED = 0x8;

  /** PTE bits holding the protection. */
  static final long PTE_PROT = 0x7;

  /** PTE bits holding the physical address. */
  static final long PTE_FRAME = ~((long) PhysMem.PAGE_SIZE - 1);

  /** Exclusive upper end of the virtual addresses a pmap can map. */
  public static final long VA_LIMIT = 1L << 48;

  private static final Logger log = LogManager.getLogger("uvm.pmap");

  private static final int BITS = 9;
  private static final int FANOUT = 1 << BITS;
  private static final int MASK = FANOUT - 1;
  private static final int L1_SHIFT = PhysMem.PAGE_SHIFT; // 12: index in a leaf
  private static final int L2_SHIFT = L1_SHIFT + BITS; // 21: leaf in a level-2 directory
  private static final int L3_SHIFT = L2_SHIFT + BITS; // 30
  private static final int L4_SHIFT = L3_SHIFT + BITS; // 39

  /** Slot of a leaf holding its number of valid entries. */
  private static final int COUNT = FANOUT;

  /** At most this many emptied leaves wait for update(); one more runs it implicitly. */
  private static final int MAX_PENDING = 64;

  private static final int OP_REMOVE = 0;
  private static final int OP_PROTECT = 1;

  private final PhysMem phys;
  private final UvmExp exp;
  private final MetadataBudget budget;

  /** Heap bytes of the pmap: its top directory, directories, leaves and pooled pv entries. */
  private long tableBytes;

  /** Estimated bytes of a leaf (512 PTEs and the count). */
  public static final long LEAF_BYTES = MetadataBudget.array(FANOUT + 1, 8);

  /** Estimated bytes of a directory (512 references). */
  public static final long DIR_BYTES = MetadataBudget.array(FANOUT, 4);

  /** Estimated bytes of a pv entry (pmap, va, next). */
  public static final long PV_BYTES = MetadataBudget.object(16);

  /** Estimated bytes of an empty pmap: the object and its top directory. */
  public static final long BASE_BYTES =
      MetadataBudget.object(88) + DIR_BYTES + MetadataBudget.array(8, 8);

  /** The top directory: l4[i4][i3][i2] is a leaf. */
  private final long[][][][] l4 = new long[FANOUT][][][];

  /** One-leaf lookup cache: the leaf of virtual addresses {@code cachedKey << 21}. */
  private long cachedKey = -1;

  private long[] cachedLeaf;

  /** Keys (va >>> 21) of leaves that became empty since the last update. */
  private long[] pendingLeaves = new long[8];

  private int pendingCount;

  /** Free pv entries of this pmap (a stack linked through {@code next}). */
  private PvEntry pvFree;

  private long residentCount;
  private long wiredCount;
  private boolean active;
  private boolean destroyed;
  private TlbListener tlbListener;

  /** Range of translations removed or weakened by the operation in progress. */
  private long invLo = Long.MAX_VALUE;

  private long invHi = Long.MIN_VALUE;

  /**
   * pmap_create: an empty pmap over the frames of {@code phys}, counting TLB fills in {@code exp}
   * (the machine's {@code uvmexp}). The pmap is given these two, not the VM system: it is the
   * machine-dependent layer beneath it (see design.md, "Layering").
   */
  // pmap.c: pmap_create
  public Pmap(PhysMem phys, UvmExp exp) {
    this(phys, exp, new MetadataBudget());
  }

  /** As {@link #Pmap(PhysMem, UvmExp)}, charging its heap to {@code budget}. */
  // pmap.c: pmap_create
  public Pmap(PhysMem phys, UvmExp exp, MetadataBudget budget) {
    this.phys = phys;
    this.exp = exp;
    this.budget = budget;
    charge(BASE_BYTES);
  }

  private void charge(long n) {
    tableBytes += n;
    budget.charge(n);
  }

  private void uncharge(long n) {
    tableBytes -= n;
    budget.release(n);
  }

  /**
   * Estimated heap bytes of this pmap (Linux's {@code VmPTE}, plus the pooled pv entries); 0 after
   * {@link #destroy()}.
   */
  public long tableBytes() {
    return tableBytes;
  }

  /** Registers the listener told of removed or weakened translations (null: none). */
  public void setTlbListener(TlbListener l) {
    this.tlbListener = l;
  }

  // ---------------------------------------------------------------------------------------------
  // entering and removing translations

  /**
   * pmap_enter: maps {@code pg} at {@code va} with {@code prot}, replacing whatever {@code va}
   * mapped. Entering the same page again changes its protection and wiring (a weaker protection
   * invalidates the TLB; replacing another page too).
   *
   * <p>=> {@code va} page aligned and below {@link #VA_LIMIT}; {@code prot} not NONE; {@code pg}
   * allocated (not free).
   */
  // pmap.c: pmap_enter
  public void enter(long va, VmPage pg, int prot, boolean wired) {
    checkLive();
    checkVa(va, "pmap_enter");
    Kassert.check(prot != Prot.NONE && (prot & ~Prot.ALL) == 0, "pmap_enter: bad protection");
    Kassert.check(!pg.isFree(), "pmap_enter: page is free");
    Kassert.check(pg.frame != 0, "pmap_enter: frame 0 is never mapped");
    if (log.isTraceEnabled()) {
      log.trace(
          "pmap_enter {} va={} frame={} prot={} wired={}",
          this,
          Long.toHexString(va),
          pg.frame,
          Prot.toString(prot),
          wired);
    }
    long[] leaf = leafFor(va);
    int idx = (int) (va >>> L1_SHIFT) & MASK;
    long old = leaf[idx];
    long pte = pg.physAddr() | prot | (wired ? PTE_WIRED : 0);
    if (old != 0) {
      if ((old & PTE_FRAME) == (pte & PTE_FRAME)) {
        // Same page: only protection and wiring change.
        leaf[idx] = pte;
        wiredCount += (wired ? 1 : 0) - ((old & PTE_WIRED) != 0 ? 1 : 0);
        if ((old & PTE_PROT & ~prot) != 0) {
          noteInvalidation(va);
          flushInvalidations();
        }
        return;
      }
      removePte(leaf, idx, va, old);
    }
    leaf[idx] = pte;
    leaf[COUNT]++;
    residentCount++;
    if (wired) {
      wiredCount++;
    }
    PvEntry pv = pvAlloc();
    pv.pmap = this;
    pv.va = va;
    VmPageMd md = pg.mdpage;
    pv.next = md.pvList;
    md.pvList = pv;
    flushInvalidations();
  }

  /**
   * pmap_remove: removes every translation in {@code [sva, eva)}.
   *
   * <p>=> both page aligned, {@code sva <= eva <= VA_LIMIT}.
   */
  // pmap.c: pmap_remove
  public void remove(long sva, long eva) {
    checkLive();
    checkRange(sva, eva, "pmap_remove");
    if (log.isTraceEnabled()) {
      log.trace("pmap_remove {} [{}, {})", this, Long.toHexString(sva), Long.toHexString(eva));
    }
    walk(sva, eva, OP_REMOVE, Prot.NONE);
    flushInvalidations();
  }

  /**
   * pmap_protect: lowers the protection of every translation in {@code [sva, eva)} to at most
   * {@code prot} (never raises it); a translation left with no permission is removed.
   */
  // pmap.c: pmap_protect
  public void protect(long sva, long eva, int prot) {
    checkLive();
    checkRange(sva, eva, "pmap_protect");
    if (log.isTraceEnabled()) {
      log.trace(
          "pmap_protect {} [{}, {}) {}",
          this,
          Long.toHexString(sva),
          Long.toHexString(eva),
          Prot.toString(prot));
    }
    walk(sva, eva, OP_PROTECT, prot & Prot.ALL);
    flushInvalidations();
  }

  /**
   * Moves every translation of {@code [sva, eva)} to the same offset from {@code dva}: the same
   * page, protection and wiring, the old translation removed (and invalidated). Used by mremap,
   * which moves map entries and their translations rather than copying pages. The page's referenced
   * and modified attributes are the page's and stay as they are.
   *
   * <p>=> all page aligned; the two ranges do not overlap; nothing is mapped at the destination.
   */
  public void move(long sva, long eva, long dva) {
    checkLive();
    checkRange(sva, eva, "pmap_move");
    checkRange(dva, dva + (eva - sva), "pmap_move");
    Kassert.check(dva >= eva || dva + (eva - sva) <= sva, "pmap_move: ranges overlap");
    long va = sva;
    while (va < eva) {
      long[][][] l3 = l4[(int) (va >>> L4_SHIFT) & MASK];
      if (l3 == null) {
        va = nextBoundary(va, L4_SHIFT);
        continue;
      }
      long[][] l2 = l3[(int) (va >>> L3_SHIFT) & MASK];
      if (l2 == null) {
        va = nextBoundary(va, L3_SHIFT);
        continue;
      }
      long[] leaf = l2[(int) (va >>> L2_SHIFT) & MASK];
      long leafEnd = nextBoundary(va, L2_SHIFT);
      if (leaf != null && leaf[COUNT] != 0) {
        long end = Math.min(eva, leafEnd);
        for (long a = va; a < end; a += PhysMem.PAGE_SIZE) {
          int idx = (int) (a >>> L1_SHIFT) & MASK;
          long pte = leaf[idx];
          if (pte == 0) {
            continue;
          }
          Kassert.check(pte(dva + (a - sva)) == 0, "pmap_move: destination already mapped");
          VmPage pg = phys.pageAt(pte & PTE_FRAME);
          removePte(leaf, idx, a, pte);
          enter(dva + (a - sva), pg, (int) (pte & PTE_PROT), (pte & PTE_WIRED) != 0);
        }
      }
      va = leafEnd;
    }
    flushInvalidations();
  }

  /**
   * pmap_unwire: clears the wired attribute of the translation at {@code va}.
   *
   * <p>=> {@code va} mapped and wired.
   */
  // pmap.c: pmap_unwire
  public void unwire(long va) {
    checkLive();
    checkVa(va, "pmap_unwire");
    long[] leaf = leafOf(va);
    int idx = (int) (va >>> L1_SHIFT) & MASK;
    Kassert.check(leaf != null && leaf[idx] != 0, "pmap_unwire: va not mapped");
    Kassert.check((leaf[idx] & PTE_WIRED) != 0, "pmap_unwire: mapping not wired");
    leaf[idx] &= ~PTE_WIRED;
    wiredCount--;
  }

  /**
   * pmap_page_protect: lowers every mapping of {@code pg}, in every pmap, to at most {@code prot};
   * {@code NONE} removes them all.
   */
  // pmap.c: pmap_page_protect
  public static void pageProtect(VmPage pg, int prot) {
    PvEntry pv = PvEntry.first(pg.mdpage);
    if (log.isTraceEnabled() && pv != null) {
      log.trace("pmap_page_protect frame={} {}", pg.frame, Prot.toString(prot));
    }
    while (pv != null) {
      PvEntry next = pv.nextEntry();
      Pmap pmap = pv.pmap;
      long va = pv.va;
      long[] leaf = pmap.leafOf(va);
      int idx = (int) (va >>> L1_SHIFT) & MASK;
      Kassert.check(
          leaf != null && (leaf[idx] & PTE_FRAME) == pg.physAddr(),
          "pmap_page_protect: pv entry without its PTE");
      pmap.lower(leaf, idx, va, prot);
      pmap.flushInvalidations();
      pv = next;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // lookups

  /** pmap_extract: the page mapped at {@code va}, or null. */
  // pmap.c: pmap_extract
  public VmPage extract(long va) {
    long pte = pte(va);
    return pte == 0 ? null : phys.pageAt(pte & PTE_FRAME);
  }

  /** The protection of the translation at {@code va}, or {@link Prot#NONE} if there is none. */
  public int protection(long va) {
    return (int) (pte(va) & PTE_PROT);
  }

  /** True if the translation at {@code va} exists and is wired. */
  public boolean isWired(long va) {
    return (pte(va) & PTE_WIRED) != 0;
  }

  /**
   * The TLB-miss path: the translation of {@code va} for an {@code access} ({@link Prot#READ},
   * {@link Prot#WRITE} or {@link Prot#EXEC}).
   *
   * <p>=> returns 0 when there is no translation or it does not allow the access (the caller runs
   * the fault handler); else {@code physAddr | prot}, where {@code prot} (low three bits) is what
   * the emulator may cache: the mapping's protection without WRITE until the page is modified and
   * without EXEC until it is marked executed, unless this access is that write or fetch. <br>
   * => marks the page referenced, modified on a write, executed on a fetch. Allocates nothing.
   */
  public long tlbLookup(long va, int access) {
    long[] leaf = leafOf(va);
    if (leaf == null) {
      return 0;
    }
    long pte = leaf[(int) (va >>> L1_SHIFT) & MASK];
    int prot = (int) (pte & PTE_PROT);
    if (pte == 0 || (prot & access) != access) {
      return 0;
    }
    VmPage pg = phys.pageAt(pte & PTE_FRAME);
    VmPageMd md = pg.mdpage;
    int attrs = md.attrs | VmPageMd.REFERENCED;
    if ((access & Prot.WRITE) != 0) {
      attrs |= VmPageMd.MODIFIED;
    }
    md.attrs = attrs;
    if ((access & Prot.EXEC) != 0) {
      pg.executed = true;
    }
    if ((attrs & VmPageMd.MODIFIED) == 0) {
      prot &= ~Prot.WRITE;
    }
    if (!pg.executed) {
      prot &= ~Prot.EXEC;
    }
    exp.tlbfills++;
    return (pte & PTE_FRAME) | prot;
  }

  // ---------------------------------------------------------------------------------------------
  // referenced and modified attributes (per page, all mappings)

  /** pmap_is_referenced: accessed through some mapping since the last clear. */
  // pmap.c: pmap_is_referenced
  public static boolean isReferenced(VmPage pg) {
    return (pg.mdpage.attrs & VmPageMd.REFERENCED) != 0;
  }

  /** pmap_is_modified: written through some mapping since the last clear. */
  // pmap.c: pmap_is_modified
  public static boolean isModified(VmPage pg) {
    return (pg.mdpage.attrs & VmPageMd.MODIFIED) != 0;
  }

  /**
   * pmap_clear_reference: clears the referenced attribute and invalidates the page's translations
   * so that the next access refills and sets it again.
   *
   * @return whether the page was referenced
   */
  // pmap.c: pmap_clear_reference
  public static boolean clearReferenced(VmPage pg) {
    VmPageMd md = pg.mdpage;
    if ((md.attrs & VmPageMd.REFERENCED) == 0) {
      return false; // no fill since the last clear: no cached translation can bypass it
    }
    md.attrs &= ~VmPageMd.REFERENCED;
    for (PvEntry pv = PvEntry.first(md); pv != null; pv = pv.nextEntry()) {
      pv.pmap.noteInvalidation(pv.va);
      pv.pmap.flushInvalidations();
    }
    return true;
  }

  /**
   * pmap_clear_modify: clears the modified attribute and invalidates the page's writable
   * translations so that the next write refills and sets it again.
   *
   * @return whether the page was modified
   */
  // pmap.c: pmap_clear_modify
  public static boolean clearModified(VmPage pg) {
    VmPageMd md = pg.mdpage;
    if ((md.attrs & VmPageMd.MODIFIED) == 0) {
      return false; // no writable translation was handed out since the last clear
    }
    md.attrs &= ~VmPageMd.MODIFIED;
    for (PvEntry pv = PvEntry.first(md); pv != null; pv = pv.nextEntry()) {
      if ((pv.pmap.pte(pv.va) & Prot.WRITE) != 0) {
        pv.pmap.noteInvalidation(pv.va);
        pv.pmap.flushInvalidations();
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // life cycle

  /**
   * pmap_update: completes deferred work. Invalidations are delivered when they happen; what is
   * deferred is releasing page-table leaves that became empty.
   */
  // pmap.c: pmap_update
  public void update() {
    for (int i = 0; i < pendingCount; i++) {
      releaseLeafIfEmpty(pendingLeaves[i]);
    }
    pendingCount = 0;
  }

  /** pmap_activate: this pmap is now the one the CPU translates through. */
  // pmap.c: pmap_activate
  public void activate() {
    checkLive();
    active = true;
  }

  /** pmap_deactivate: the CPU no longer translates through this pmap. */
  // pmap.c: pmap_deactivate
  public void deactivate() {
    active = false;
  }

  /** True between {@link #activate()} and {@link #deactivate()}. */
  public boolean isActive() {
    return active;
  }

  /**
   * pmap_destroy: removes every remaining translation and releases the page table; the pmap must
   * not be used afterwards.
   */
  // pmap.c: pmap_destroy
  public void destroy() {
    checkLive();
    remove(0, VA_LIMIT);
    update();
    active = false;
    destroyed = true;
    pvFree = null;
    uncharge(tableBytes); // the top directory and the pv pool (leaves went with update())
    if (log.isDebugEnabled()) {
      log.debug("pmap_destroy {}", this);
    }
  }

  /** pmap_resident_count: valid translations. */
  // pmap.c: pmap_resident_count
  public long residentCount() {
    return residentCount;
  }

  /** pmap_wired_count: wired translations. */
  // pmap.c: pmap_wired_count
  public long wiredCount() {
    return wiredCount;
  }

  /** Page-table leaves currently allocated (each covers 2 MiB). */
  public int leafCount() {
    int n = 0;
    for (long[][][] l3 : l4) {
      if (l3 == null) {
        continue;
      }
      for (long[][] l2 : l3) {
        if (l2 == null) {
          continue;
        }
        for (long[] leaf : l2) {
          if (leaf != null) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /**
   * Calls {@code v} for every translation, in ascending address order (for the audit and the {@code
   * --maps} listing). {@code v} must not change this pmap.
   */
  public void forEach(MappingVisitor v) {
    for (int i4 = 0; i4 < FANOUT; i4++) {
      long[][][] l3 = l4[i4];
      if (l3 == null) {
        continue;
      }
      for (int i3 = 0; i3 < FANOUT; i3++) {
        long[][] l2 = l3[i3];
        if (l2 == null) {
          continue;
        }
        for (int i2 = 0; i2 < FANOUT; i2++) {
          long[] leaf = l2[i2];
          if (leaf == null || leaf[COUNT] == 0) {
            continue;
          }
          long base = ((long) i4 << L4_SHIFT) | ((long) i3 << L3_SHIFT) | ((long) i2 << L2_SHIFT);
          for (int i = 0; i < FANOUT; i++) {
            long pte = leaf[i];
            if (pte != 0) {
              v.mapping(
                  base | ((long) i << L1_SHIFT),
                  phys.pageAt(pte & PTE_FRAME),
                  (int) (pte & PTE_PROT),
                  (pte & PTE_WIRED) != 0);
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // consistency checks (used by tests and the system audit)

  /**
   * Checks this pmap: every PTE maps an allocated page that has exactly one pv entry for it, leaf
   * counts and the resident and wired counts are right.
   *
   * @throws UvmPanic naming the first inconsistency
   */
  public void check() {
    long[] counts = new long[2];
    for (int i4 = 0; i4 < FANOUT; i4++) {
      long[][][] l3 = l4[i4];
      if (l3 == null) {
        continue;
      }
      for (int i3 = 0; i3 < FANOUT; i3++) {
        long[][] l2 = l3[i3];
        if (l2 == null) {
          continue;
        }
        for (int i2 = 0; i2 < FANOUT; i2++) {
          long[] leaf = l2[i2];
          if (leaf != null) {
            long base = ((long) i4 << L4_SHIFT) | ((long) i3 << L3_SHIFT) | ((long) i2 << L2_SHIFT);
            checkLeaf(leaf, base, counts);
          }
        }
      }
    }
    Kassert.check(
        counts[0] == residentCount,
        "Pmap.check: resident count " + residentCount + " but " + counts[0] + " PTEs");
    Kassert.check(
        counts[1] == wiredCount,
        "Pmap.check: wired count " + wiredCount + " but " + counts[1] + " wired PTEs");
  }

  private void checkLeaf(long[] leaf, long base, long[] counts) {
    int valid = 0;
    for (int i = 0; i < FANOUT; i++) {
      long pte = leaf[i];
      if (pte == 0) {
        continue;
      }
      valid++;
      long va = base | ((long) i << L1_SHIFT);
      Kassert.check((pte & PTE_PROT) != 0, "Pmap.check: PTE without permission at " + hex(va));
      long pa = pte & PTE_FRAME;
      Kassert.check(
          (pa >>> PhysMem.PAGE_SHIFT) >= phys.firstFrame()
              && (pa >>> PhysMem.PAGE_SHIFT) < phys.frontier(),
          "Pmap.check: PTE with a bad frame at " + hex(va));
      VmPage pg = phys.pageAt(pa);
      Kassert.check(!pg.isFree(), "Pmap.check: free frame " + pg.frame + " mapped at " + hex(va));
      int found = 0;
      for (PvEntry pv = PvEntry.first(pg.mdpage); pv != null; pv = pv.nextEntry()) {
        if (pv.pmap == this && pv.va == va) {
          found++;
        }
      }
      Kassert.check(
          found == 1,
          "Pmap.check: " + found + " pv entries for the mapping at " + hex(va) + " (want 1)");
      counts[0]++;
      if ((pte & PTE_WIRED) != 0) {
        counts[1]++;
      }
    }
    Kassert.check(
        leaf[COUNT] == valid,
        "Pmap.check: leaf at " + hex(base) + " counts " + leaf[COUNT] + " but holds " + valid);
  }

  /**
   * Checks the pv list of {@code pg}: each entry names a translation of its pmap that maps this
   * page, and no (pmap, va) appears twice.
   *
   * @throws UvmPanic naming the first inconsistency
   */
  public static void checkPage(VmPage pg) {
    for (PvEntry pv = PvEntry.first(pg.mdpage); pv != null; pv = pv.nextEntry()) {
      Kassert.check(!pv.pmap.destroyed, "Pmap.checkPage: pv entry of a destroyed pmap");
      Kassert.check(
          (pv.pmap.pte(pv.va) & PTE_FRAME) == pg.physAddr(),
          "Pmap.checkPage: frame "
              + pg.frame
              + " has a pv entry for "
              + hex(pv.va)
              + " but that PTE maps something else");
      for (PvEntry o = pv.nextEntry(); o != null; o = o.nextEntry()) {
        Kassert.check(
            o.pmap != pv.pmap || o.va != pv.va,
            "Pmap.checkPage: duplicate pv entry for " + hex(pv.va) + " on frame " + pg.frame);
      }
    }
  }

  @Override
  public String toString() {
    return "pmap@" + Integer.toHexString(System.identityHashCode(this));
  }

  // ---------------------------------------------------------------------------------------------
  // internals

  /** The PTE of {@code va}, or 0. */
  long pte(long va) {
    long[] leaf = leafOf(va);
    return leaf == null ? 0 : leaf[(int) (va >>> L1_SHIFT) & MASK];
  }

  /** The leaf covering {@code va}, or null if none (or {@code va} is out of range). */
  private long[] leafOf(long va) {
    long key = va >>> L2_SHIFT;
    if (key == cachedKey) {
      return cachedLeaf;
    }
    if ((va >>> 48) != 0) {
      return null;
    }
    long[][][] l3 = l4[(int) (va >>> L4_SHIFT) & MASK];
    if (l3 == null) {
      return null;
    }
    long[][] l2 = l3[(int) (va >>> L3_SHIFT) & MASK];
    if (l2 == null) {
      return null;
    }
    long[] leaf = l2[(int) key & MASK];
    if (leaf != null) {
      cachedKey = key;
      cachedLeaf = leaf;
    }
    return leaf;
  }

  /** The leaf covering {@code va}, made (with its directories) if missing. */
  private long[] leafFor(long va) {
    long[] leaf = leafOf(va);
    if (leaf != null) {
      return leaf;
    }
    int i4 = (int) (va >>> L4_SHIFT) & MASK;
    long[][][] l3 = l4[i4];
    if (l3 == null) {
      l3 = new long[FANOUT][][];
      l4[i4] = l3;
      charge(DIR_BYTES);
    }
    int i3 = (int) (va >>> L3_SHIFT) & MASK;
    long[][] l2 = l3[i3];
    if (l2 == null) {
      l2 = new long[FANOUT][];
      l3[i3] = l2;
      charge(DIR_BYTES);
    }
    leaf = new long[FANOUT + 1];
    charge(LEAF_BYTES);
    l2[(int) (va >>> L2_SHIFT) & MASK] = leaf;
    cachedKey = va >>> L2_SHIFT;
    cachedLeaf = leaf;
    return leaf;
  }

  /** Applies {@code op} to every valid PTE in {@code [sva, eva)}, skipping absent subtrees. */
  private void walk(long sva, long eva, int op, int prot) {
    long va = sva;
    while (va < eva) {
      long[][][] l3 = l4[(int) (va >>> L4_SHIFT) & MASK];
      if (l3 == null) {
        va = nextBoundary(va, L4_SHIFT);
        continue;
      }
      long[][] l2 = l3[(int) (va >>> L3_SHIFT) & MASK];
      if (l2 == null) {
        va = nextBoundary(va, L3_SHIFT);
        continue;
      }
      long[] leaf = l2[(int) (va >>> L2_SHIFT) & MASK];
      long leafEnd = nextBoundary(va, L2_SHIFT);
      if (leaf != null && leaf[COUNT] != 0) {
        long end = Math.min(eva, leafEnd);
        for (long a = va; a < end; a += PhysMem.PAGE_SIZE) {
          int idx = (int) (a >>> L1_SHIFT) & MASK;
          if (leaf[idx] == 0) {
            continue;
          }
          if (op == OP_REMOVE) {
            removePte(leaf, idx, a, leaf[idx]);
          } else {
            lower(leaf, idx, a, prot);
          }
        }
      }
      va = leafEnd;
    }
  }

  private static long nextBoundary(long va, int shift) {
    return ((va >>> shift) + 1) << shift;
  }

  /** Lowers the PTE at {@code leaf[idx]} (mapping {@code va}) to at most {@code prot}. */
  private void lower(long[] leaf, int idx, long va, int prot) {
    long pte = leaf[idx];
    long newProt = pte & PTE_PROT & prot;
    if (newProt == (pte & PTE_PROT)) {
      return;
    }
    if (newProt == 0) {
      removePte(leaf, idx, va, pte);
    } else {
      leaf[idx] = (pte & ~PTE_PROT) | newProt;
      noteInvalidation(va);
    }
  }

  /** Removes the valid PTE {@code pte} at {@code leaf[idx]} (mapping {@code va}) and its pv. */
  private void removePte(long[] leaf, int idx, long va, long pte) {
    VmPage pg = phys.pageAt(pte & PTE_FRAME);
    VmPageMd md = pg.mdpage;
    PvEntry prev = null;
    PvEntry pv = PvEntry.first(md);
    while (pv != null && (pv.pmap != this || pv.va != va)) {
      prev = pv;
      pv = pv.nextEntry();
    }
    Kassert.check(pv != null, "pmap_remove: mapping without a pv entry");
    if (prev == null) {
      md.pvList = pv.next;
    } else {
      prev.next = pv.next;
    }
    pvRelease(pv);
    leaf[idx] = 0;
    residentCount--;
    if ((pte & PTE_WIRED) != 0) {
      wiredCount--;
    }
    if (--leaf[COUNT] == 0) {
      leafEmptied(va >>> L2_SHIFT);
    }
    noteInvalidation(va);
  }

  private void leafEmptied(long key) {
    if (pendingCount == MAX_PENDING) {
      update();
    }
    if (pendingCount == pendingLeaves.length) {
      pendingLeaves = Arrays.copyOf(pendingLeaves, pendingCount * 2);
    }
    pendingLeaves[pendingCount++] = key;
  }

  private void releaseLeafIfEmpty(long key) {
    long va = key << L2_SHIFT;
    int i4 = (int) (va >>> L4_SHIFT) & MASK;
    int i3 = (int) (va >>> L3_SHIFT) & MASK;
    long[][][] l3 = l4[i4];
    long[][] l2 = l3 == null ? null : l3[i3];
    long[] leaf = l2 == null ? null : l2[(int) key & MASK];
    if (leaf == null || leaf[COUNT] != 0) {
      return; // already released, or refilled since it emptied
    }
    l2[(int) key & MASK] = null;
    uncharge(LEAF_BYTES);
    if (cachedKey == key) {
      cachedKey = -1;
      cachedLeaf = null;
    }
    if (allNull(l2)) {
      l3[i3] = null;
      uncharge(DIR_BYTES);
      if (allNull(l3)) {
        l4[i4] = null;
        uncharge(DIR_BYTES);
      }
    }
  }

  private static boolean allNull(Object[] dir) {
    for (Object o : dir) {
      if (o != null) {
        return false;
      }
    }
    return true;
  }

  private PvEntry pvAlloc() {
    PvEntry pv = pvFree;
    if (pv == null) {
      charge(PV_BYTES);
      return new PvEntry();
    }
    pvFree = pv.nextEntry();
    return pv;
  }

  private void pvRelease(PvEntry pv) {
    pv.pmap = null;
    pv.next = pvFree;
    pvFree = pv;
  }

  void noteInvalidation(long va) {
    if (va < invLo) {
      invLo = va;
    }
    if (va + PhysMem.PAGE_SIZE > invHi) {
      invHi = va + PhysMem.PAGE_SIZE;
    }
  }

  /** Delivers the range noted since the last flush to the TLB listener. */
  void flushInvalidations() {
    if (invHi > invLo) {
      long lo = invLo;
      long hi = invHi;
      invLo = Long.MAX_VALUE;
      invHi = Long.MIN_VALUE;
      TlbListener l = tlbListener;
      if (l != null) {
        l.invalidate(this, lo, hi);
      }
    }
  }

  private void checkLive() {
    Kassert.check(!destroyed, "pmap used after pmap_destroy");
  }

  private static void checkVa(long va, String what) {
    if ((va & (PhysMem.PAGE_SIZE - 1)) != 0 || va < 0 || va >= VA_LIMIT) {
      throw new UvmPanic(what + ": bad virtual address 0x" + Long.toHexString(va));
    }
  }

  private static void checkRange(long sva, long eva, String what) {
    if (((sva | eva) & (PhysMem.PAGE_SIZE - 1)) != 0 || sva < 0 || eva < sva || eva > VA_LIMIT) {
      throw new UvmPanic(
          what + ": bad range [0x" + Long.toHexString(sva) + ", 0x" + Long.toHexString(eva) + ")");
    }
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
