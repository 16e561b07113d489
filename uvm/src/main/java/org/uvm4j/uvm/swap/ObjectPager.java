package org.uvm4j.uvm.swap;

import java.nio.ByteBuffer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.ObjectSwap;
import org.uvm4j.uvm.system.SwapObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * Moves the pages of anonymous objects ({@code uvm_aobj}, {@code PQ_AOBJ}) between RAM and swap:
 * the page daemon's page-out of an object page ({@code uvm_pdaemon.c} for swap-backed object pages,
 * with {@code uao_set_swslot}), its reclaim without I/O, and the slot reads and frees the object
 * asks for ({@link ObjectSwap}: {@code uvm_swap_get}, {@code uvm_swap_free}).
 *
 * <p>Invariants: after {@link #pageout} returns the page is either freed with its data in a slot
 * that the object records and that is counted swap-only, or still resident, dirty and active with
 * no slot (a write error marks the slot bad and loses nothing). Pages are written one at a time,
 * synchronously.
 */
public final class ObjectPager implements ObjectSwap {
  private static final Logger log = LogManager.getLogger("uvm.swap");

  private final SwapManager swap;
  private final PhysMem mem;
  private final UvmExp exp;
  private final Uvm uvm;
  private long writeErrors;

  /** A pager for the object pages of {@code uvm}, through {@code swap}. */
  public ObjectPager(Uvm uvm, SwapManager swap) {
    this.swap = swap;
    this.mem = uvm.physMem();
    this.exp = uvm.exp();
    this.uvm = uvm;
  }

  /** Object-page writes that failed so far. */
  public long writeErrors() {
    return writeErrors;
  }

  // uvm_swap.c: uvm_swap_get
  @Override
  public int swapGet(int slot, VmPage pg) {
    Kassert.check(pg.isBusy(), "uvm_swap_get: page busy");
    mem.rewriting(pg);
    int error = swap.get(slot, mem.frameBuffer(pg));
    exp.pageins++;
    exp.pgswapin++;
    if (error != 0) {
      if (slot > 0) {
        swap.markBad(slot, 1);
      }
      return Errno.EIO;
    }
    return 0;
  }

  // uvm_swap.c: uvm_swap_free
  @Override
  public void swapFree(int slot, boolean swapOnly) {
    if (swapOnly) {
      swap.swapOnlyFreed();
    }
    swap.free(slot, 1);
  }

  /**
   * The object page {@code pg} is clean and its slot holds a current copy: drop the frame.
   *
   * <p>=> object locked; the page unbusy, unmapped, unwired, {@code PG_CLEAN}, with a slot.
   */
  // uvm_pdaemon.c: uvmpd_scan_queue (clean swap-backed page)
  public void reclaimClean(VmPage pg, SwapObject obj) {
    Kassert.check(obj.lock().isHeldByCurrentThread(), "reclaim: object locked");
    Kassert.check(pg.object == obj && !pg.isBusy(), "reclaim: object page, not busy");
    Kassert.check((pg.flags & VmPage.PG_CLEAN) != 0, "reclaim: page clean");
    Kassert.check(pg.wireCount == 0, "reclaim: page not wired");
    int slot = obj.findSwslot(index(pg));
    Kassert.check(slot > 0, "reclaim: page has a slot");
    uvm.pageDequeue(pg);
    swap.setSwapOnly(slot);
    obj.pageRemove(pg);
    uvm.pageFree(pg);
    exp.pdfreed++;
  }

  /**
   * Writes the dirty object page {@code pg} to a new slot and frees its frame; the object records
   * the slot ({@code uao_set_swslot}).
   *
   * <p>=> object locked; the page unbusy, unmapped, unwired, dirty, its old slot already dropped.
   * <br>
   * => true: the page was written and freed; false: no slot or the write failed (the page stays
   * resident, dirty, active).
   */
  // uvm_pdaemon.c: uvmpd_scan_queue (swap-backed object page) + uvm_pager.c aiodone
  public boolean pageout(VmPage pg, SwapObject obj) {
    Kassert.check(obj.lock().isHeldByCurrentThread(), "aobj pageout: object locked");
    Kassert.check(pg.object == obj && !pg.isBusy(), "aobj pageout: object page, not busy");
    Kassert.check(pg.wireCount == 0, "aobj pageout: page not wired");
    Kassert.check((pg.flags & VmPage.PG_CLEAN) == 0, "aobj pageout: page dirty");
    int idx = index(pg);
    Kassert.check(obj.findSwslot(idx) == 0, "aobj pageout: old slot dropped");
    int slot = swap.alloc(1);
    if (slot == 0) {
      uvm.pageActivate(pg);
      return false;
    }
    pg.flags |= VmPage.PG_BUSY | VmPage.PG_PAGEOUT;
    uvm.pageDequeue(pg);
    ByteBuffer src = mem.frameBuffer(pg);
    int error = swap.put(slot, src);
    exp.pdpageouts++;
    pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_PAGEOUT);
    if (error != 0) {
      swap.markBad(slot, 1); // stays allocated, owned by nobody, never handed out again
      writeErrors++;
      uvm.pageActivate(pg);
      pg.wakeup();
      log.warn("page-out of an object page to slot {} failed: page kept", slot);
      return false;
    }
    obj.setSwslot(idx, slot);
    swap.setSwapOnly(slot);
    pg.wakeup();
    obj.pageRemove(pg);
    uvm.pageFree(pg);
    exp.pgswapout++;
    exp.pdfreed++;
    return true;
  }

  private static int index(VmPage pg) {
    return (int) (pg.offset >>> PhysMem.PAGE_SHIFT);
  }
}
