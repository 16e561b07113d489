package org.uvm4j.uvm.swap;

/**
 * What {@code swap_off} needs from the anonymous-memory layer: page every anon whose slot lies in
 * {@code [startSlot, endSlot)} back into RAM ({@code amap_swap_off}, implemented over the global
 * amap list by the amap layer).
 */
@FunctionalInterface
public interface SwapOffWalker {
  /**
   * amap_swap_off: pages in (and frees the slots of) every anon with a slot in the range.
   *
   * @return true if it failed (a page-in could not get memory); false when every such anon is
   *     resident again
   */
  boolean swapOff(int startSlot, int endSlot);
}
