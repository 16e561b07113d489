package org.uvm4j.uvm.swap;

import java.nio.ByteBuffer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.observe.VmObserver;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.SwapService;
import org.uvm4j.uvm.system.Uvm;

/**
 * Moves anonymous pages between RAM and swap: the page daemon's swap clusters and their I/O
 * completion ({@code uvm_pdaemon.c} swapcluster_*, {@code uvm_pager.c} aiodone for swap), and the
 * swap-in of an anon ({@code uvmfault_anonget}'s read path, {@code uvm_anon_pagein}).
 *
 * <p>Invariants: a page in the open cluster is {@code PG_BUSY|PG_PAGEOUT}, dequeued, unmapped, and
 * its anon's {@code swslot} is the cluster slot at its index; after {@link #clusterFlush} no page
 * is {@code PG_PAGEOUT}. An anon with a slot and no page holds the only copy of its data in that
 * slot (the swap manager's swap-only set); a write error never loses data: the page stays resident
 * and dirty and the failed slots are marked bad.
 */
public final class SwapPager implements SwapService {
  private static final Logger log = LogManager.getLogger("uvm.swap");

  /** MAXPHYS / PAGE_SIZE: pages per clustered write (64 KiB). */
  public static final int MAXCLUSTER = 16;

  /** Returned by {@link #anonGet} when the anon was freed while we slept (ERESTART). */
  public static final int ERESTART = -1;

  private final SwapManager swap;
  private final PhysMem mem;
  private final UvmExp exp;
  private final Uvm svc;
  private final ByteBuffer staging =
      ByteBuffer.allocateDirect(MAXCLUSTER * PhysMem.PAGE_SIZE + PhysMem.PAGE_SIZE)
          .alignedSlice(PhysMem.PAGE_SIZE);

  private ObjectPager objectPager;

  /** Clusters whose write failed (their pages were kept). */
  private long writeErrors;

  /**
   * The min watermark: frames a swap-off page-in leaves free (swap-off fails with ENOMEM rather
   * than take them, so that it never drives running processes out of memory).
   */
  private int reserve;

  // struct swapcluster
  private int swcSlot;
  private int swcNallocated;
  private int swcNused;
  private final VmPage[] swcPages = new VmPage[MAXCLUSTER];

  /** A pager moving anon pages of {@code uvm} to and from {@code swap}. */
  public SwapPager(Uvm uvm, SwapManager swap) {
    this.swap = swap;
    this.mem = uvm.physMem();
    this.exp = uvm.exp();
    this.svc = uvm;
  }

  /**
   * Gives {@code uvm} swap: a swap layer keeping its counters in {@code uvm.exp()}, whose swap-off
   * pages anons in through the machine's amap list, and a pager registered as the machine's {@link
   * SwapService}. Add devices with {@code swap().swapOn(...)}.
   */
  public static SwapPager attach(Uvm uvm) {
    SwapManager swap = new SwapManager(uvm.exp(), null);
    // uvm_swap_off: amap_swap_off, then uao_swap_off
    swap.setSwapOffWalker(
        (start, end) ->
            Amap.swapOff(uvm.amapList(), start, end) || uvm.swapObjects().swapOff(start, end));
    SwapPager pager = new SwapPager(uvm, swap);
    pager.objectPager = new ObjectPager(uvm, swap);
    uvm.setSwapService(pager);
    uvm.setObjectSwap(pager.objectPager);
    return pager;
  }

  /** The page-out of anonymous-object pages (set by {@link #attach}; null otherwise). */
  public ObjectPager objectPager() {
    return objectPager;
  }

  /** The swap layer. */
  public SwapManager swap() {
    return swap;
  }

  /** Sets the min watermark (frames a swap-off page-in must leave free). */
  public void setReserve(int frames) {
    this.reserve = Math.max(0, frames);
  }

  // ---------------------------------------------------------------------------------------------
  // SwapService

  /** uvm_swap_free(slot, 1). */
  // uvm_swap.c: uvm_swap_free
  @Override
  public void swapFree(int slot) {
    swap.free(slot, 1);
  }

  /** uvm_anfree's swpgonly--: the next swapFree releases a swap-only slot. */
  @Override
  public void swapOnlyFreed() {
    swap.swapOnlyFreed();
  }

  // ---------------------------------------------------------------------------------------------
  // Page-out

  /**
   * swapcluster_add: adds the dirty anon page {@code pg} to the open cluster, allocating the
   * cluster's slots first if needed, and assigns the anon its slot; writes the cluster when full.
   *
   * <p>=> {@code pg.anon} locked by the caller; the page is not busy, not wired, not loaned, has no
   * mappings and is dirty ({@code PG_CLEAN} clear) with its anon's old slot already dropped. <br>
   * => on true: the page is {@code PG_BUSY|PG_PAGEOUT} and dequeued (it may already be written and
   * freed if the cluster filled up: the caller must not touch it again). On false (no swap space)
   * nothing changed.
   */
  // uvm_pdaemon.c: swapcluster_add
  public boolean clusterAdd(VmPage pg) {
    Anon anon = Anon.owner(pg);
    Kassert.check(anon != null && anon.isLocked(), "swapcluster_add: anon page, anon locked");
    Kassert.check(anon.page == pg, "swapcluster_add: anon owns the page");
    Kassert.check(!pg.isBusy(), "swapcluster_add: page not busy");
    Kassert.check(pg.wireCount == 0, "swapcluster_add: page not wired");
    Kassert.check(anon.swslot == 0, "swapcluster_add: old slot dropped");
    Kassert.check((pg.flags & VmPage.PG_CLEAN) == 0, "swapcluster_add: page dirty");
    if (swcSlot == 0 && !clusterAllocSlots()) {
      return false;
    }
    int slot = swcSlot + swcNused;
    swcPages[swcNused++] = pg;
    anon.swslot = slot;
    pg.flags |= VmPage.PG_BUSY | VmPage.PG_PAGEOUT;
    svc.pageDequeue(pg);
    if (swcNused == swcNallocated) {
      anon.unlock();
      try {
        clusterFlush();
      } finally {
        anon.lock();
      }
    }
    return true;
  }

  /** swapcluster_allocslots: a run of MAXCLUSTER slots, or one slot when swap is fragmented. */
  // uvm_pdaemon.c: swapcluster_allocslots
  private boolean clusterAllocSlots() {
    int n = MAXCLUSTER;
    int slot = swap.alloc(n);
    if (slot == 0) {
      n = 1;
      slot = swap.alloc(n);
    }
    if (slot == 0) {
      return false;
    }
    swcSlot = slot;
    swcNallocated = n;
    swcNused = 0;
    return true;
  }

  /** Number of cluster writes that failed so far. */
  public long writeErrors() {
    return writeErrors;
  }

  /** Pages in the open cluster. */
  public int clusterPages() {
    return swcNused;
  }

  /**
   * swapcluster_flush + uvm_aio_aiodone_pages (swap): writes the open cluster with one transfer and
   * completes every page: on success the page is freed (its anon keeps only the slot); on a write
   * error the slots are marked bad and each page stays resident, dirty and active with no slot.
   * Unused slots of the cluster are freed.
   *
   * <p>=> no anon of the cluster locked by the caller.
   *
   * @return the number of frames freed
   */
  // uvm_pdaemon.c: swapcluster_flush
  public int clusterFlush() {
    if (swcSlot == 0) {
      return 0;
    }
    int base = swcSlot;
    int n = swcNused;
    if (n < swcNallocated) {
      swap.free(base + n, swcNallocated - n);
    }
    swcSlot = 0;
    swcNallocated = 0;
    swcNused = 0;
    if (n == 0) {
      return 0;
    }
    staging.clear();
    for (int i = 0; i < n; i++) {
      staging.put(mem.frameBuffer(swcPages[i]));
    }
    staging.flip();
    int error = swap.put(base, staging);
    exp.pdpageouts++;
    if (error != 0) {
      swap.markBad(base, n);
    }
    int freed = 0;
    VmObserver t = svc.observer();
    for (int i = 0; i < n; i++) {
      VmPage pg = swcPages[i];
      swcPages[i] = null;
      if (t != null) {
        t.pageout(Anon.owner(pg).id(), base + i, pg.frame, error == 0);
      }
      if (pageoutDone(pg, base + i, error)) {
        freed++;
      }
    }
    if (error == 0) {
      exp.pgswapout += n;
    } else {
      writeErrors++;
      log.warn("page-out of {} pages to slots [{}, {}) failed: pages kept", n, base, base + n);
    }
    if (log.isDebugEnabled()) {
      log.debug("page-out cluster [{}, {}) error={} freed={}", base, base + n, error, freed);
    }
    return freed;
  }

  /** uvm_aio_aiodone_pages for one swap-backed page; true if its frame was freed. */
  private boolean pageoutDone(VmPage pg, int slot, int error) {
    Anon anon = Anon.owner(pg);
    anon.lock();
    Kassert.check(
        (pg.flags & (VmPage.PG_BUSY | VmPage.PG_PAGEOUT)) == (VmPage.PG_BUSY | VmPage.PG_PAGEOUT),
        "aiodone: page busy for page-out");
    Kassert.check(anon.swslot == slot, "aiodone: anon keeps its cluster slot");
    pg.flags &= ~VmPage.PG_PAGEOUT;
    if ((pg.flags & VmPage.PG_RELEASED) != 0) {
      // the anon died during the I/O: it goes, page, slot and all
      anon.swslot = error == 0 ? slot : 0;
      anon.dropSwap(svc);
      pg.flags &= ~VmPage.PG_BUSY;
      drainSleepers(pg);
      pg.flags |= VmPage.PG_BUSY;
      anon.release(svc);
      return true;
    }
    if (error != 0) {
      // nothing is lost: the page keeps the data; the bad slots stay allocated, owned by no anon
      anon.swslot = 0;
      pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_CLEAN);
      svc.pageActivate(pg);
      pg.wakeup();
      anon.unlock();
      return false;
    }
    pg.flags |= VmPage.PG_CLEAN;
    pg.flags &= ~VmPage.PG_BUSY;
    if ((pg.flags & VmPage.PG_WANTED) != 0 || pg.sleepers() != 0) {
      // a fault waits for this page: keep it resident (clean; the slot holds a copy)
      svc.pageActivate(pg);
      pg.wakeup();
      anon.unlock();
      return false;
    }
    swap.setSwapOnly(slot);
    svc.pageFree(pg);
    exp.pdfreed++;
    anon.unlock();
    return true;
  }

  /**
   * The page of {@code anon} is clean and its slot holds a current copy: drop the frame (the page
   * daemon's reclaim without I/O).
   *
   * <p>=> anon locked; the page is not busy, unmapped, not wired, {@code PG_CLEAN}, and {@code
   * anon.swslot > 0}.
   */
  // uvm_pdaemon.c: uvmpd_scan_queue (clean swap-backed page)
  public void reclaimClean(Anon anon) {
    VmPage pg = anon.page;
    Kassert.check(anon.isLocked(), "reclaim: anon locked");
    Kassert.check(pg != null && !pg.isBusy(), "reclaim: resident, not busy");
    Kassert.check((pg.flags & VmPage.PG_CLEAN) != 0, "reclaim: page clean");
    Kassert.check(anon.swslot > 0, "reclaim: anon has a slot");
    Kassert.check(pg.wireCount == 0, "reclaim: page not wired");
    svc.pageDequeue(pg);
    swap.setSwapOnly(anon.swslot);
    svc.pageFree(pg);
    exp.pdfreed++;
  }

  // ---------------------------------------------------------------------------------------------
  // Page-in

  /**
   * uvmfault_anonget's swap path: makes {@code anon}'s data resident, waiting for a busy page and
   * reading a swap-only anon's slot into a new page. The anon keeps its slot (the page is clean).
   *
   * <p>=> anon locked (held once). <br>
   * => 0: page resident, not busy, queued; anon locked. <br>
   * => {@link Errno#EIO}: the slot is bad (now or after a failed read, which marks it {@link
   * SwapManager#SWSLOT_BAD}); anon locked, no page. The fault fails with SIGBUS. <br>
   * => {@link Errno#ENOMEM}: no frame even after running the page daemon; anon locked, no page.
   * <br>
   * => {@link #ERESTART}: the anon was freed while we slept; anon unlocked, do not touch it.
   */
  // uvm_fault.c: uvmfault_anonget
  public int anonGet(Anon anon) {
    return swapIn(anon, 0);
  }

  /**
   * uvm_anon_pagein, and the fault path's page-in ({@code Uvm.anonPagein}).
   *
   * <p>Inside {@link SwapManager#swapOff} ({@code uvm_anon_pagein}): makes {@code anon} resident
   * and frees its slot; the page becomes dirty (RAM holds the only copy) and is deactivated unless
   * wired; it leaves the min watermark of frames free. Called from anywhere else (the fault
   * handler, as {@code uvmfault_anonget}): makes it resident and keeps the slot, so the page is
   * clean and the page daemon can later drop it without writing it again (a write through a mapping
   * sets the pmap modified bit, which makes the slot stale at the next scan).
   *
   * <p>=> anon locked; unlocked on return. <br>
   * => false when there was no memory (swap-off aborts with ENOMEM; a fault waits and retries);
   * true when done, including an I/O error (the anon then has {@link SwapManager#SWSLOT_BAD}) and
   * an anon freed meanwhile.
   */
  // uvm_anon.c: uvm_anon_pagein
  @Override
  public boolean anonPagein(Anon anon) {
    boolean swappingOff = swap.isSwappingOff();
    int error = swapIn(anon, swappingOff ? reserve : 0);
    if (error == ERESTART) {
      return true;
    }
    if (error != 0) {
      anon.unlock();
      return error == Errno.EIO;
    }
    if (swappingOff) {
      VmPage pg = anon.page;
      anon.dropSwap(svc);
      pg.flags &= ~VmPage.PG_CLEAN;
      if (pg.wireCount == 0) {
        svc.pageDeactivate(pg);
      }
    }
    anon.unlock();
    return true;
  }

  /**
   * The write path: {@code anon}'s page is about to be modified, so its swap copy is stale: free
   * the slot and mark the page dirty ({@code uvm_anon_dropswap} + clearing {@code PG_CLEAN}, as the
   * fault handler does for wired pages and as the page daemon does on seeing the modified bit).
   *
   * <p>=> anon locked, page resident and not busy.
   */
  // uvm_fault.c: uvm_fault (write to an anon page: uvm_anon_dropswap)
  public void dropSwapOnWrite(Anon anon) {
    Kassert.check(anon.isLocked(), "dropswap on write: anon locked");
    VmPage pg = anon.page;
    Kassert.check(pg != null && !pg.isBusy(), "dropswap on write: page resident, not busy");
    anon.dropSwap(svc);
    pg.flags &= ~VmPage.PG_CLEAN;
  }

  /**
   * Wakes the threads asleep on {@code pg} and lets them leave their wait before the frame is freed
   * (they need no lock to leave; they then block on the anon lock we hold and look again).
   *
   * <p>=> the page is not busy and the state the sleepers will see is final.
   */
  private static void drainSleepers(VmPage pg) {
    Kassert.check(!pg.isBusy(), "drain: page not busy");
    pg.wakeup();
    while (pg.sleepers() > 0) {
      Thread.yield();
    }
  }

  private int swapIn(Anon anon, int keepFree) {
    Kassert.check(anon.isLocked(), "uvmfault_anonget: anon locked");
    boolean waited = false;
    for (; ; ) {
      VmPage pg = anon.page;
      if (pg != null) {
        if (!pg.isBusy()) {
          return 0;
        }
        // someone else is reading it in (or writing it out): sleep on the page
        exp.fltpgwait++;
        pg.flags |= VmPage.PG_WANTED;
        anon.unlock();
        svc.pageWait(pg, "anonget");
        anon.lock();
        if (anon.ref == 0 || anon.isFreed()) {
          anon.unlock();
          return ERESTART;
        }
        exp.fltanretry++;
        continue;
      }
      int slot = anon.swslot;
      if (slot == SwapManager.SWSLOT_BAD) {
        return Errno.EIO;
      }
      Kassert.check(slot > 0, "uvmfault_anonget: anon has neither page nor slot");
      pg = mem.freeCount() > keepFree ? svc.pageAlloc(anon) : null;
      if (pg == null) {
        if (waited) {
          return Errno.ENOMEM;
        }
        waited = true;
        exp.fltnoram++;
        anon.unlock();
        svc.waitForMemory("flt_noram1");
        anon.lock();
        if (anon.ref == 0 || anon.isFreed()) {
          anon.unlock();
          return ERESTART;
        }
        continue;
      }
      // we own the busy page: read without the anon lock (its slot cannot change meanwhile)
      anon.unlock();
      mem.rewriting(pg);
      int error = swap.get(slot, mem.frameBuffer(pg));
      exp.pageins++;
      exp.pgswapin++;
      VmObserver t = svc.observer();
      if (t != null) {
        t.pagein(anon.id(), slot, pg.frame, error == 0);
      }
      anon.lock();
      if ((pg.flags & VmPage.PG_RELEASED) != 0) {
        // the anon was freed while we read: finish freeing it
        if (error != 0) {
          swap.markBad(slot, 1);
          anon.swslot = 0;
        }
        anon.dropSwap(svc);
        pg.flags &= ~VmPage.PG_BUSY;
        drainSleepers(pg);
        pg.flags |= VmPage.PG_BUSY;
        anon.release(svc);
        return ERESTART;
      }
      if (error != 0) {
        // the data is gone: the anon keeps SWSLOT_BAD (faults on it get SIGBUS), the frame goes
        swap.markBad(slot, 1);
        anon.swslot = SwapManager.SWSLOT_BAD;
        pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
        drainSleepers(pg);
        svc.pageFree(pg);
        return Errno.EIO;
      }
      pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
      svc.pageActivate(pg);
      pg.wakeup();
      return 0;
    }
  }
}
