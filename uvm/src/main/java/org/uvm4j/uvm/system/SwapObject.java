package org.uvm4j.uvm.system;

import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.page.VmPage;

/**
 * A swap-backed memory object ({@code uvm_aobj}) as the layers that page it see it: the page daemon
 * and the swap layer sit beside the object layer, not above it, so they reach an anonymous object
 * through this interface (which {@code obj.Aobj} implements) and never import {@code obj}.
 *
 * <p>Invariants an implementation keeps (under {@link #lock()}): each page index has at most one
 * resident page ({@code pg.object == this}, {@code PQ_AOBJ}) and at most one swap slot; a slot with
 * no resident page holds the only copy of the data (swap-only); {@code SWSLOT_BAD} (-1) marks data
 * lost to an I/O error.
 */
public interface SwapObject {
  /** The object lock ({@code vmobjlock}); the page daemon only try-locks it. */
  ReentrantLock lock();

  /**
   * uao_find_swslot: the swap slot of page {@code pageIdx}, 0 if none.
   *
   * <p>=> object locked.
   */
  int findSwslot(int pageIdx);

  /**
   * uao_set_swslot: sets the swap slot of page {@code pageIdx} ({@code 0} clears it).
   *
   * <p>=> object locked.
   *
   * @return the old slot
   */
  int setSwslot(int pageIdx, int slot);

  /**
   * uao_dropswap: frees the swap slot of the resident page {@code pageIdx} (its data changed, the
   * copy in swap is stale).
   *
   * <p>=> object locked; the page resident.
   */
  void dropSwap(int pageIdx);

  /**
   * uvm_pageremove: takes {@code pg} out of the object's page table before {@code uvm_pagefree}.
   *
   * <p>=> object locked; page owned by this object.
   */
  void pageRemove(VmPage pg);

  /**
   * uao_pagein: pages in (and frees the slots of) every page whose slot lies in {@code [startSlot,
   * endSlot)} — swap-off.
   *
   * <p>=> object unlocked.
   *
   * @return true if it failed (no memory), false when no slot in the range is left
   */
  boolean pagein(int startSlot, int endSlot);

  /**
   * Calls {@code v} with every page index that has a swap slot (object locked inside), for the
   * audit.
   */
  void forEachSwslot(SlotVisitor v);

  /** What {@link #forEachSwslot} reports. */
  @FunctionalInterface
  interface SlotVisitor {
    /** Page {@code pageIdx} has {@code slot}; {@code resident}: it also has a page in RAM. */
    void slot(int pageIdx, int slot, boolean resident);
  }
}
