package org.uvm4j.uvm.pdaemon;

import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.observe.VmObserver;
import org.uvm4j.uvm.page.PageQueues;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.swap.ObjectPager;
import org.uvm4j.uvm.swap.SwapPager;
import org.uvm4j.uvm.system.SwapObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * The page daemon ({@code uvm_pdaemon.c} with the clock policy of {@code uvm_pdpolicy_clock.c}):
 * when free frames fall below the low watermark ({@code uvmexp.freemin}) it frees frames until the
 * high watermark ({@code uvmexp.freetarg}) is reached, by a second-chance scan of the inactive
 * queue (referenced pages go back to the active queue) fed from the head of the active queue
 * (deactivation clears the referenced bit).
 *
 * <p>A victim is unmapped everywhere ({@code pmap_page_protect(NONE)}) and its pmap modified bit
 * folded into {@code PG_CLEAN}; then a clean anon page whose swap slot holds a current copy is
 * freed without I/O, and a dirty one is written to swap in clusters and freed when the write
 * completes. Wired, busy and loaned pages are never taken; file pages (read-only) stay resident, as
 * {@code FileObject} keeps them until its last detach; pages of anonymous objects ({@code PQ_AOBJ}:
 * tmpfs, memfd) are paged out like anon pages, one at a time through the {@link ObjectPager}, their
 * slot kept by the object.
 *
 * <p>It runs on the caller's thread: between time slices ({@link #runIfNeeded}) and when an
 * allocation finds no free frame ({@code uvm_wait}, {@link #run}). It takes the page-queue lock
 * only to choose candidates and try-locks each owner afterwards, so it keeps the lock order
 * (docs/design.md, "Locking").
 */
public final class PageDaemon implements Runnable {
  private static final Logger log = LogManager.getLogger("uvm.pdaemon");

  /** Inactive queue target as a percentage of the paging queues (uvmpdpol: inactivepct). */
  public static final int INACTIVE_PCT = 33;

  /** Candidates chosen per batch under the page-queue lock. */
  private static final int BATCH = 64;

  private final Uvm uvm;
  private final PhysMem mem;
  private final PageQueues queues;
  private final UvmExp exp;
  private final SwapPager pager;
  private final VmPage[] batch = new VmPage[BATCH];
  private boolean running;

  /** Failed cluster writes when this run started. */
  private long runWriteErrors;

  /** Pages looked at by the last {@link #chooseBatch}. */
  private int lastSeen;

  /**
   * A page daemon for {@code uvm}, writing anon pages out through {@code pager} (null: no swap,
   * only clean pages with a slot can be freed, which cannot exist without swap).
   */
  public PageDaemon(Uvm uvm, SwapPager pager) {
    this.uvm = uvm;
    this.mem = uvm.physMem();
    this.queues = uvm.pageQueues();
    this.exp = uvm.exp();
    this.pager = pager;
  }

  /**
   * Min watermark ({@code freemin / 2}): frames swap-off leaves free for running processes; it
   * fails with ENOMEM rather than page in below it.
   */
  public long minWatermark() {
    return exp.freemin / 2;
  }

  /** Low watermark: below it, {@link #runIfNeeded} runs the daemon ({@code freemin}). */
  public long lowWatermark() {
    return exp.freemin;
  }

  /** High watermark: the daemon frees frames up to it ({@code freetarg}). */
  public long highWatermark() {
    return exp.freetarg;
  }

  /** Whether free frames are below the low watermark. */
  public boolean needed() {
    return mem.freeCount() < exp.freemin;
  }

  /**
   * Runs the daemon if free frames are below the low watermark; the kernel calls this between time
   * slices, so that the fault path rarely has to reclaim.
   *
   * @return the number of frames freed
   */
  public int runIfNeeded() {
    return needed() ? reclaim() : 0;
  }

  /** uvm_wait's work: reclaims up to the high watermark now. */
  @Override
  public void run() {
    reclaim();
  }

  /**
   * uvm_pageout (one wake-up) + uvmpd_scan: frees frames until {@code freetarg} are free or no page
   * can be freed.
   *
   * @return the number of frames freed
   */
  // uvm_pdaemon.c: uvm_pageout
  public int reclaim() {
    if (running) {
      return 0; // a page-out completion allocated nothing: no re-entry
    }
    running = true;
    int before = mem.freeCount();
    VmObserver o = uvm.observer();
    long t0 = o == null ? 0 : System.nanoTime();
    long scans0 = exp.pdscans;
    long out0 = exp.pgswapout;
    runWriteErrors = writeErrors();
    try {
      for (int pass = 0; pass < 4 && shortage() > 0; pass++) {
        // uvmpdpol_balancequeue: keep the inactive queue fed
        balance();
        int progress = scanInactive();
        if (pager != null) {
          pager.clusterFlush();
          if (writeFailed()) {
            break; // the device failed a write: do not burn more slots in this run
          }
        }
        if (progress == 0 && queues.activeCount() == 0) {
          break;
        }
      }
      if (pager != null) {
        pager.clusterFlush();
      }
    } finally {
      running = false;
    }
    int freed = mem.freeCount() - before;
    if (o != null) {
      o.pdaemon(
          before,
          mem.freeCount(),
          exp.pdscans - scans0,
          exp.pgswapout - out0,
          Math.max(freed, 0),
          System.nanoTime() - t0);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "page daemon: freed {} frames, {} free (target {}), active {} inactive {}",
          freed,
          mem.freeCount(),
          exp.freetarg,
          queues.activeCount(),
          queues.inactiveCount());
    }
    return Math.max(freed, 0);
  }

  private boolean writeFailed() {
    return pager != null && writeErrors() != runWriteErrors;
  }

  /** Failed writes so far, of anon clusters and of object pages. */
  private long writeErrors() {
    if (pager == null) {
      return 0;
    }
    ObjectPager op = pager.objectPager();
    return pager.writeErrors() + (op == null ? 0 : op.writeErrors());
  }

  /** Frames still to free to reach the target, counting pages waiting in the open cluster. */
  private long shortage() {
    long pending = pager == null ? 0 : pager.clusterPages();
    return exp.freetarg - mem.freeCount() - pending;
  }

  /**
   * uvmpdpol_balancequeue: moves pages from the head of the active queue to the inactive queue
   * (clearing their referenced bit) until the inactive queue holds its share of the paging queues
   * and at least the current shortage.
   */
  // uvm_pdpolicy_clock.c: uvmpdpol_balancequeue
  private void balance() {
    queues.lock().lock();
    try {
      long total = queues.activeCount() + queues.inactiveCount();
      long target = Math.max(total * INACTIVE_PCT / 100, shortage());
      VmPage pg = queues.activeHead();
      while (pg != null && queues.inactiveCount() < target) {
        VmPage next = pg.queueNext();
        Pmap.clearReferenced(pg);
        queues.deactivate(pg);
        exp.pddeact++;
        pg = next;
      }
    } finally {
      queues.lock().unlock();
    }
  }

  /**
   * uvmpd_scan_queue: one lap of the inactive queue, in batches; referenced pages are reactivated
   * (second chance), the others freed or paged out.
   *
   * @return pages taken (freed or queued for page-out)
   */
  // uvm_pdaemon.c: uvmpd_scan_queue
  private int scanInactive() {
    long lap = queues.inactiveCount();
    int taken = 0;
    while (lap > 0 && shortage() > 0) {
      int n = chooseBatch((int) Math.min(lap, BATCH));
      if (lastSeen == 0) {
        break;
      }
      lap -= lastSeen;
      for (int i = 0; i < n; i++) {
        VmPage pg = batch[i];
        batch[i] = null;
        if (shortage() > 0 && !writeFailed() && tryPageout(pg)) {
          taken++;
        }
      }
    }
    return taken;
  }

  /**
   * Takes up to {@code max} pages from the head of the inactive queue under the page-queue lock:
   * referenced ones go back to the active queue (counted in {@code pdreact}); the others are moved
   * to the tail (so the next batch sees new pages) and chosen as candidates.
   */
  private int chooseBatch(int max) {
    int n = 0;
    int seen = 0;
    queues.lock().lock();
    try {
      for (; seen < max; seen++) {
        VmPage pg = queues.inactiveHead();
        if (pg == null) {
          break;
        }
        exp.pdscans++;
        if (Pmap.isReferenced(pg)) {
          queues.activate(pg);
          exp.pdreact++;
          continue;
        }
        queues.dequeue(pg);
        queues.deactivate(pg);
        batch[n++] = pg;
      }
    } finally {
      queues.lock().unlock();
    }
    lastSeen = seen;
    return n;
  }

  /**
   * The body of uvmpd_scan_queue for one candidate: lock its owner, re-check it, unmap it, and free
   * or page it out.
   *
   * @return true if the page was freed or queued for page-out
   */
  private boolean tryPageout(VmPage pg) {
    if ((pg.pqflags & VmPage.PQ_AOBJ) != 0 && pg.object instanceof SwapObject obj) {
      return tryPageoutObject(pg, obj);
    }
    Anon anon = Anon.owner(pg);
    if (anon == null || (pg.pqflags & VmPage.PQ_ANON) == 0) {
      return false; // file pages stay until their object's last detach
    }
    // uvmpd_trylockowner: only try (the lock order in docs/design.md, "Locking")
    if (!anon.tryLock()) {
      return false;
    }
    try {
      if (pg.anon != anon || anon.page != pg || (pg.pqflags & VmPage.PQ_INACTIVE) == 0) {
        return false; // changed hands or was reactivated meanwhile
      }
      if (pg.isBusy()) {
        exp.pdbusy++;
        return false;
      }
      if (pg.wireCount != 0 || pg.loanCount != 0) {
        return false;
      }
      if (Pmap.isReferenced(pg)) {
        uvm.pageActivate(pg);
        exp.pdreact++;
        return false;
      }
      return pageoutAnon(pg, anon);
    } finally {
      anon.unlock();
    }
  }

  /**
   * The page-out of a chosen anon page, its anon locked: unmap it, then drop it (its copy in swap
   * is current), queue it for writing to swap, or leave it resident (nowhere to write it).
   *
   * @return true if the page was freed or queued for page-out
   */
  // uvm_pdaemon.c: uvmpd_scan_queue (anon page, after the checks)
  private boolean pageoutAnon(VmPage pg, Anon anon) {
    boolean canSwap = pager != null && pager.swap().hasSwap() && !pager.swap().isFull();
    if (!canSwap && ((pg.flags & VmPage.PG_CLEAN) == 0 || anon.swslot <= 0)) {
      // dirty with nowhere to write it: leave it mapped
      uvm.pageActivate(pg);
      return false;
    }
    // unmap, then fold the pmap's modified bit into PG_CLEAN
    uvm.pageProtect(pg, Prot.NONE);
    if (Pmap.clearModified(pg)) {
      pg.flags &= ~VmPage.PG_CLEAN;
    }
    if ((pg.flags & VmPage.PG_CLEAN) != 0 && anon.swslot > 0) {
      // the copy in swap is current: drop the frame without I/O
      pager.reclaimClean(anon);
      return true;
    }
    if (!canSwap) {
      uvm.pageActivate(pg); // it was written meanwhile: nowhere to put it
      return false;
    }
    // uvmpd_dropswap: the data changed, the old copy is stale
    pg.flags &= ~VmPage.PG_CLEAN;
    if (anon.swslot != 0) {
      anon.dropSwap(uvm);
    }
    if (!pager.clusterAdd(pg)) {
      uvm.pageActivate(pg); // swap full
      return false;
    }
    return true;
  }

  /**
   * MADV_PAGEOUT (Linux's madvise_pageout and reclaim_pages): pages out {@code pages} now, whatever
   * the queues say about them, and writes the cluster: each page still owned by the same anon and
   * neither busy, wired nor loaned is unmapped and written to swap (or dropped when its copy in
   * swap is current). Without swap nothing happens to dirty pages, as on Linux without swap.
   *
   * @param pages private anonymous pages (Vmspace.pageoutCandidates), no lock held
   * @return pages freed or queued for writing
   */
  // mm/vmscan.c: reclaim_pages
  public int pageout(List<VmPage> pages) {
    if (running) {
      return 0;
    }
    running = true;
    int taken = 0;
    try {
      for (VmPage pg : pages) {
        Anon anon = Anon.owner(pg);
        if (anon == null || (pg.pqflags & VmPage.PQ_ANON) == 0 || !anon.tryLock()) {
          continue;
        }
        try {
          if (pg.anon != anon
              || anon.page != pg
              || pg.isBusy()
              || pg.wireCount != 0
              || pg.loanCount != 0) {
            continue;
          }
          if (pageoutAnon(pg, anon)) {
            taken++;
          }
        } finally {
          anon.unlock();
        }
      }
      if (pager != null) {
        pager.clusterFlush();
      }
    } finally {
      running = false;
    }
    return taken;
  }

  /**
   * tryPageout for a page of an anonymous object ({@code PQ_AOBJ}): the same steps under the
   * object's lock, the slot kept by the object ({@code uao_find_swslot}/{@code uao_dropswap}), the
   * write done at once by the {@link ObjectPager}.
   */
  // uvm_pdaemon.c: uvmpd_scan_queue (swap-backed object page)
  private boolean tryPageoutObject(VmPage pg, SwapObject obj) {
    ObjectPager op = pager == null ? null : pager.objectPager();
    if (!obj.lock().tryLock()) {
      return false;
    }
    try {
      if (pg.object != obj || (pg.pqflags & VmPage.PQ_INACTIVE) == 0) {
        return false; // freed, or reactivated meanwhile
      }
      if (pg.isBusy()) {
        exp.pdbusy++;
        return false;
      }
      if (pg.wireCount != 0 || pg.loanCount != 0) {
        return false;
      }
      if (Pmap.isReferenced(pg)) {
        uvm.pageActivate(pg);
        exp.pdreact++;
        return false;
      }
      int idx = (int) (pg.offset >>> PhysMem.PAGE_SHIFT);
      boolean canSwap = op != null && pager.swap().hasSwap() && !pager.swap().isFull();
      if (!canSwap && ((pg.flags & VmPage.PG_CLEAN) == 0 || obj.findSwslot(idx) <= 0)) {
        uvm.pageActivate(pg);
        return false;
      }
      uvm.pageProtect(pg, Prot.NONE);
      if (Pmap.clearModified(pg)) {
        pg.flags &= ~VmPage.PG_CLEAN;
      }
      if ((pg.flags & VmPage.PG_CLEAN) != 0 && obj.findSwslot(idx) > 0) {
        op.reclaimClean(pg, obj);
        return true;
      }
      if (!canSwap) {
        uvm.pageActivate(pg);
        return false;
      }
      // uvmpd_dropswap: the data changed, the old copy is stale
      pg.flags &= ~VmPage.PG_CLEAN;
      obj.dropSwap(idx);
      return op.pageout(pg, obj);
    } finally {
      obj.lock().unlock();
    }
  }

  /**
   * Gives {@code uvm} a page daemon writing through {@code pager} (null: no swap) and registers it
   * as what {@code uvm_wait} runs.
   */
  public static PageDaemon attach(Uvm uvm, SwapPager pager) {
    PageDaemon pd = new PageDaemon(uvm, pager);
    uvm.setPageDaemon(pd);
    if (pager != null) {
      pager.setReserve((int) pd.minWatermark());
    }
    return pd;
  }

  /** Checks that no page is left under page-out between runs (for the audit). */
  public void check() {
    Kassert.check(pager == null || pager.clusterPages() == 0, "page daemon: cluster left open");
  }
}
