package org.uvm4j.uvm.system;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.amap.AmapList;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.observe.VmObserver;
import org.uvm4j.uvm.page.DirectRamBacking;
import org.uvm4j.uvm.page.PageQueues;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.RamBacking;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;

/**
 * One machine's VM system ({@code struct uvm} plus {@code uvmexp}): physical memory, the paging
 * queues, the counters, and the page-level operations of {@code uvm_page.c} that tie them together
 * (allocation with an owner, free, unbusy, copy, zero, queue moves).
 *
 * <p>Invariants (checked by {@link #check()}): every frame is either on the free list or owned (by
 * an anon, an object, or allocated without owner by a caller that holds it); {@code
 * uvmexp.anonpages} and {@code filepages} count the anon- and object-owned frames; the queues and
 * the free list are consistent (see {@link PageQueues} and {@link PhysMem}).
 *
 * <p>Locking: the lock order is stated once, in docs/design.md ("Locking"); the page-queue lock is
 * {@link PageQueues#lock()}.
 */
public final class Uvm implements UvmServices {
  private static final Logger log = LogManager.getLogger("uvm.page");

  private final UvmConfig config;
  private final UvmExp exp = new UvmExp();
  private final PhysMem physMem;
  private final PageQueues pageQueues;
  private final AmapList amapList = new AmapList();
  private final MetadataBudget metadataBudget = new MetadataBudget();
  private final AmapAllocator allocator =
      new AmapAllocator(this::waitForMemory, AmapAllocator.DEFAULT_MAX_ELEMENTS, metadataBudget);
  private volatile Runnable pageDaemon;
  private volatile SwapService swap;
  private volatile ObjectSwap objectSwap;
  private final SwapObjectList swapObjects = new SwapObjectList(exp);
  private VmObserver observer;

  /** A VM system with {@code config.ramBytes()} of physical memory in direct buffers. */
  public Uvm(UvmConfig config) {
    this(config, new DirectRamBacking());
  }

  /**
   * A VM system with {@code config.ramBytes()} of physical memory from {@code backing} (closed with
   * the physical memory: {@code physMem().close()}).
   */
  public Uvm(UvmConfig config, RamBacking backing) {
    this.config = config;
    this.physMem = new PhysMem(config.ramBytes(), exp, backing, config.reservedBytes());
    this.pageQueues = new PageQueues(exp);
    tune();
    log.debug(
        "uvm: {} KiB RAM, {} pages usable, freemin {} freetarg {}",
        config.ramBytes() >> 10,
        exp.npages,
        exp.freemin,
        exp.freetarg);
  }

  /** uvmpd_tune: free-page targets from the RAM size unless the configuration sets them. */
  // uvm_pdaemon.c: uvmpd_tune
  private void tune() {
    long min = exp.npages / 20;
    min = Math.max(min, (16 * 1024) >> PhysMem.PAGE_SHIFT);
    min = Math.min(min, (512 * 1024) >> PhysMem.PAGE_SHIFT);
    if (config.freeMin() > 0) {
      min = config.freeMin();
    }
    long targ = config.freeTarget() > 0 ? config.freeTarget() : (min * 4) / 3;
    if (targ <= min) {
      targ = min + 1;
    }
    exp.freemin = min;
    exp.freetarg = targ;
  }

  /** The configuration this VM system was made with. */
  public UvmConfig config() {
    return config;
  }

  /** The counters ({@code uvmexp}). */
  public UvmExp exp() {
    return exp;
  }

  /** Physical memory. */
  public PhysMem physMem() {
    return physMem;
  }

  /** The paging queues. */
  public PageQueues pageQueues() {
    return pageQueues;
  }

  /** This machine's global amap list ({@code amap_list}). */
  @Override
  public AmapList amapList() {
    return amapList;
  }

  /** The allocator of amaps, their arrays and anons; its waiting requests call uvm_wait. */
  @Override
  public AmapAllocator allocator() {
    return allocator;
  }

  /**
   * The budget of Java heap that guests drive through this machine's metadata (amaps, anons, map
   * entries, page tables); the kernel sets its limit.
   */
  public MetadataBudget metadataBudget() {
    return metadataBudget;
  }

  /** Registers the swap layer once a swap device exists (null: no swap). */
  public void setSwapService(SwapService swap) {
    this.swap = swap;
  }

  /** This machine's list of anonymous objects ({@code uao_list}). */
  public SwapObjectList swapObjects() {
    return swapObjects;
  }

  /** Registers what anonymous objects page in and free slots through (null: no swap). */
  public void setObjectSwap(ObjectSwap objectSwap) {
    this.objectSwap = objectSwap;
  }

  /** The swap layer's object side, or null when no swap layer is attached. */
  public ObjectSwap objectSwap() {
    return objectSwap;
  }

  /** The registered swap layer, or null. */
  public SwapService swapService() {
    return swap;
  }

  /**
   * Who is told of this machine's map operations and paging while tracing is on (the {@code
   * Tracer}), or null.
   */
  public VmObserver observer() {
    return observer;
  }

  /** Installs (or, with null, removes) the observer. */
  public void setObserver(VmObserver observer) {
    this.observer = observer;
  }

  /**
   * Registers the page daemon: {@link #waitForMemory} runs it (synchronously, on the caller's
   * thread) to free memory. Null: none.
   */
  public void setPageDaemon(Runnable pageDaemon) {
    this.pageDaemon = pageDaemon;
  }

  // ---------------------------------------------------------------------------------------------
  // allocation and free

  /**
   * uvm_pagealloc(NULL, 0, anon, 0): a page owned by {@code anon} ({@code anon.page} and {@code
   * pg.anon} set, {@code PQ_ANON}), returned {@code PG_BUSY|PG_FAKE|PG_CLEAN}, contents undefined.
   *
   * <p>=> anon locked. <br>
   * => returns null when no frame is free (never sleeps).
   */
  // uvm_page.c: uvm_pagealloc_strat
  @Override
  public VmPage pageAlloc(Anon anon) {
    Kassert.check(anon != null, "uvm_pagealloc: no anon");
    Kassert.check(anon.isLocked(), "uvm_pagealloc: anon not locked");
    Kassert.check(anon.page == null, "uvm_pagealloc: anon already has a page");
    VmPage pg = physMem.alloc();
    if (pg == null) {
      return null;
    }
    pg.anon = anon;
    pg.object = null;
    pg.offset = 0;
    pg.flags = VmPage.PG_BUSY | VmPage.PG_CLEAN | VmPage.PG_FAKE;
    pg.pqflags = VmPage.PQ_ANON;
    anon.page = pg;
    exp.anonpages++;
    return pg;
  }

  /**
   * uvm_pagealloc(obj, off, NULL, 0): a page owned by {@code obj} at byte offset {@code off},
   * returned {@code PG_BUSY|PG_FAKE|PG_CLEAN}, contents undefined. A page of an anonymous object
   * ({@link SwapObject}) is {@code PQ_AOBJ} and counted in {@code aobjpages}, any other object's in
   * {@code filepages}. The object records the page in its own table ({@code uvm_pageinsert}). The
   * object is an {@code org.uvm4j.uvm.obj.UvmObject}; the VM system, beneath the object layer,
   * keeps it as the page's opaque owner ({@link VmPage#object}).
   *
   * <p>=> object locked. <br>
   * => returns null when no frame is free.
   */
  // uvm_page.c: uvm_pagealloc_strat
  public VmPage pageAllocObject(Object obj, long off) {
    Kassert.check(obj != null, "uvm_pagealloc: no object");
    Kassert.check((off & (PhysMem.PAGE_SIZE - 1)) == 0, "uvm_pagealloc: offset not aligned");
    VmPage pg = physMem.alloc();
    if (pg == null) {
      return null;
    }
    pg.anon = null;
    pg.object = obj;
    pg.offset = off;
    pg.flags = VmPage.PG_BUSY | VmPage.PG_CLEAN | VmPage.PG_FAKE;
    if (obj instanceof SwapObject) {
      pg.pqflags = VmPage.PQ_AOBJ;
      exp.aobjpages++;
    } else {
      pg.pqflags = 0;
      exp.filepages++;
    }
    return pg;
  }

  /**
   * uvm_pagefree: detaches {@code pg} from its owner (an anon's {@code page} is cleared; an object
   * has already removed it from its table), wakes its sleepers, dequeues and unwires it, and puts
   * the frame back on the free list.
   *
   * <p>=> owner locked; every mapping already removed; not under page-out.
   */
  // uvm_page.c: uvm_pagefree
  @Override
  public void pageFree(VmPage pg) {
    Kassert.check((pg.flags & VmPage.PG_PAGEOUT) == 0, "uvm_pagefree: page under page-out");
    Kassert.check(!pg.isFree(), "uvm_pagefree: freeing free page");
    Kassert.check(pg.loanCount == 0, "uvm_pagefree: loaned pages are not supported");
    if (pg.object != null) {
      pg.object = null;
      if ((pg.pqflags & VmPage.PQ_AOBJ) != 0) {
        pg.pqflags &= ~VmPage.PQ_AOBJ;
        exp.aobjpages--;
      } else {
        exp.filepages--;
      }
    } else if (pg.anon != null) {
      Anon anon = Anon.owner(pg);
      Kassert.check(anon.isLocked(), "uvm_pagefree: anon not locked");
      Kassert.check(anon.page == pg, "uvm_pagefree: anon does not point at its page");
      anon.page = null;
      pg.anon = null;
      exp.anonpages--;
    }
    boolean wanted = (pg.flags & VmPage.PG_WANTED) != 0;
    pageQueues.dequeue(pg);
    pageQueues.dropWiring(pg);
    physMem.free(pg);
    if (wanted) {
      pg.wakeup(); // sleepers find the page free (not busy) and look again
    }
  }

  /**
   * uvm_page_unbusy: ends the caller's ownership of {@code pg}: wakes its sleepers, and frees it if
   * it was {@code PG_RELEASED} meanwhile (after removing its mappings).
   *
   * <p>=> owner locked; page busy and not under page-out; an unreleased page must be valid (not
   * {@code PG_FAKE}).
   */
  // uvm_page.c: uvm_page_unbusy
  public void pageUnbusy(VmPage pg) {
    Kassert.check((pg.flags & VmPage.PG_BUSY) != 0, "uvm_page_unbusy: page not busy");
    Kassert.check((pg.flags & VmPage.PG_PAGEOUT) == 0, "uvm_page_unbusy: page under page-out");
    if ((pg.flags & VmPage.PG_RELEASED) != 0) {
      Kassert.check(
          pg.object != null || (pg.anon != null && Anon.owner(pg).ref > 0),
          "uvm_page_unbusy: released page of a dead anon");
      pg.flags &= ~VmPage.PG_RELEASED;
      Pmap.pageProtect(pg, Prot.NONE);
      pageFree(pg); // wakes the sleepers once the page is free
    } else {
      Kassert.check((pg.flags & VmPage.PG_FAKE) == 0, "uvm_page_unbusy: page still PG_FAKE");
      boolean wanted = (pg.flags & VmPage.PG_WANTED) != 0;
      pg.flags &= ~(VmPage.PG_WANTED | VmPage.PG_BUSY);
      if (wanted) {
        pg.wakeup(); // after clearing PG_BUSY, so that a lock-free sleeper sees it clear
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // contents

  /** uvm_pagezero: zero-fills {@code pg} and clears PG_CLEAN (a zeroed page is dirty). */
  // uvm_page.c: uvm_pagezero
  public void pageZero(VmPage pg) {
    pg.flags &= ~VmPage.PG_CLEAN;
    physMem.zero(pg);
  }

  /** uvm_pagecopy: copies the contents of {@code src} into {@code dst}; clears PG_CLEAN on dst. */
  // uvm_page.c: uvm_pagecopy
  @Override
  public void pageCopy(VmPage src, VmPage dst) {
    dst.flags &= ~VmPage.PG_CLEAN;
    physMem.copy(src, dst);
    exp.cowpages++;
  }

  // ---------------------------------------------------------------------------------------------
  // queues

  /** uvm_pageactivate: puts {@code pg} on the active queue (page-queue lock taken inside). */
  // uvm_page.c: uvm_pageactivate
  @Override
  public void pageActivate(VmPage pg) {
    pageQueues.activate(pg);
  }

  /**
   * uvm_pagedeactivate: clears the page's reference bit and moves it to the inactive queue, where
   * the page daemon looks for pages to free.
   *
   * <p>=> page not wired.
   */
  // uvm_page.c: uvm_pagedeactivate
  public void pageDeactivate(VmPage pg) {
    if ((pg.pqflags & VmPage.PQ_INACTIVE) == 0) {
      Pmap.clearReferenced(pg);
    }
    pageQueues.deactivate(pg);
  }

  /** uvm_pagedequeue: takes {@code pg} off the paging queues. */
  // uvm_page.c: uvm_pagedequeue
  public void pageDequeue(VmPage pg) {
    pageQueues.dequeue(pg);
  }

  /** uvm_pagewire: one more wiring of {@code pg}; a wired page is on no paging queue. */
  // uvm_page.c: uvm_pagewire
  public void pageWire(VmPage pg) {
    pageQueues.wire(pg);
  }

  /** uvm_pageunwire: one wiring less; the last one puts the page on the active queue. */
  // uvm_page.c: uvm_pageunwire
  public void pageUnwire(VmPage pg) {
    pageQueues.unwire(pg);
  }

  /** pmap_page_protect: lowers every mapping of {@code pg} to {@code prot}; NONE removes them. */
  // pmap.c: pmap_page_protect
  @Override
  public void pageProtect(VmPage pg, int prot) {
    Pmap.pageProtect(pg, prot);
  }

  // ---------------------------------------------------------------------------------------------
  // swap and memory shortage

  /**
   * uvm_swap_free(slot, 1), through the swap layer. With no swap layer no slot can exist, so a call
   * is a bug.
   */
  // uvm_swap.c: uvm_swap_free
  @Override
  public void swapFree(int slot) {
    SwapService s = swap;
    if (s == null) {
      throw new UvmPanic("uvm_swap_free: slot " + slot + " freed but no swap device is configured");
    }
    s.swapFree(slot);
  }

  /** uvmexp.swpgonly--, through the swap layer; without one no page can live only in swap. */
  @Override
  // uvm_anon.c: uvm_anfree (uvmexp.swpgonly--)
  public void swapOnlyFreed() {
    SwapService s = swap;
    if (s == null) {
      throw new UvmPanic("swpgonly--: a swap-only page freed but no swap device is configured");
    }
    s.swapOnlyFreed();
  }

  /**
   * uvm_anon_pagein, through the swap layer. Without one there is nothing to page in from: the anon
   * is unlocked and the page-in reported failed.
   *
   * <p>=> anon locked on entry, unlocked on return.
   */
  // uvm_anon.c: uvm_anon_pagein
  @Override
  public boolean anonPagein(Anon anon) {
    SwapService s = swap;
    if (s != null) {
      return s.anonPagein(anon);
    }
    anon.unlock();
    log.warn("uvm_anon_pagein: no swap device to page in from");
    return false;
  }

  /**
   * UVM_UNLOCK_AND_WAIT for a caller that holds no lock: sleeps until {@code pg} is not busy.
   *
   * <p>=> PG_WANTED set by the caller, every lock released.
   */
  @Override
  // uvm.h: UVM_UNLOCK_AND_WAIT
  public void pageWait(VmPage pg, String wmsg) {
    if (log.isDebugEnabled()) {
      log.debug("pageWait({}) on frame {}", wmsg, pg.frame);
    }
    pg.waitUnbusy(wmsg);
  }

  /**
   * uvm_wait: wakes the page daemon (runs it on this thread) so that memory may be free when this
   * returns; without a page daemon it returns at once and the caller's retry decides.
   *
   * @param wmsg the waiter's wait-channel message, e.g. {@code "flt_noram1"}
   */
  // uvm_pdaemon.c: uvm_wait
  @Override
  public void waitForMemory(String wmsg) {
    exp.pdwoke++;
    Runnable pd = pageDaemon;
    if (log.isDebugEnabled()) {
      log.debug(
          "uvm_wait({}): {} free, page daemon {}", wmsg, exp.free, pd == null ? "none" : "run");
    }
    if (pd != null) {
      pd.run();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // audit

  /**
   * Checks the free list, the queues, the owner links and the page counters against each other.
   *
   * @throws UvmPanic naming the first inconsistency
   */
  public void check() {
    physMem.check();
    pageQueues.check();
    long anon = 0;
    long file = 0;
    long aobj = 0;
    long wired = 0;
    for (int f = physMem.firstFrame(), end = physMem.frontier(); f < end; f++) {
      VmPage pg = physMem.page(f);
      if (pg.isFree()) {
        continue;
      }
      Kassert.check(
          pg.anon == null || pg.object == null, "Uvm.check: frame " + f + " has two owners");
      if (pg.anon != null) {
        anon++;
        Kassert.check(
            Anon.owner(pg).page == pg, "Uvm.check: anon of frame " + f + " points elsewhere");
        Kassert.check(
            (pg.pqflags & VmPage.PQ_ANON) != 0, "Uvm.check: anon frame " + f + " lacks PQ_ANON");
      } else if (pg.object != null) {
        boolean swapBacked = pg.object instanceof SwapObject;
        Kassert.check(
            swapBacked == ((pg.pqflags & VmPage.PQ_AOBJ) != 0),
            "Uvm.check: PQ_AOBJ of frame " + f + " disagrees with its owner");
        if (swapBacked) {
          aobj++;
        } else {
          file++;
        }
      }
      if (pg.wireCount > 0) {
        wired++;
      }
      Pmap.checkPage(pg);
    }
    Kassert.check(anon == exp.anonpages, "Uvm.check: anonpages " + exp.anonpages + " != " + anon);
    Kassert.check(file == exp.filepages, "Uvm.check: filepages " + exp.filepages + " != " + file);
    Kassert.check(aobj == exp.aobjpages, "Uvm.check: aobjpages " + exp.aobjpages + " != " + aobj);
    Kassert.check(wired == exp.wired, "Uvm.check: wired " + exp.wired + " != " + wired);
  }
}
