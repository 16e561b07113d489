package org.uvm4j.uvm.system;

import org.uvm4j.uvm.page.VmPage;

/**
 * What anonymous objects ({@code uvm_aobj}) need from the swap layer: reading a slot into a page
 * and freeing a slot. The swap layer implements it ({@code swap.ObjectPager}) and registers it with
 * {@link Uvm#setObjectSwap}; without one no object page can be in swap.
 */
public interface ObjectSwap {
  /**
   * uvm_swap_get: reads {@code slot} into the frame of the busy page {@code pg}.
   *
   * <p>=> the object locked, {@code pg} busy and owned by it.
   *
   * @return 0, or {@code Errno.EIO}: the read failed (the slot is then marked bad: the caller
   *     records {@code SWSLOT_BAD} and frees the page)
   */
  int swapGet(int slot, VmPage pg);

  /**
   * uvm_swap_free(slot, 1) of an object's slot; {@code swapOnly}: the slot held the only copy of
   * the data (no page resident), so {@code swpgonly} drops with it.
   */
  void swapFree(int slot, boolean swapOnly);
}
