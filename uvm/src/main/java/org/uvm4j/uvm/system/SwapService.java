package org.uvm4j.uvm.system;

import org.uvm4j.uvm.amap.Anon;

/**
 * What the VM system ({@link Uvm}) delegates to the swap layer once a swap device exists. The swap
 * code implements it and registers it with {@link Uvm#setSwapService}; without one, {@code Uvm}
 * knows that no swap slot can exist.
 */
public interface SwapService {
  /** uvm_swap_free(slot, 1): releases one slot ({@code slot > 0}; SWSLOT_BAD is ignored). */
  void swapFree(int slot);

  /** uvmexp.swpgonly--: a page that lived only in swap is gone (its anon is being freed). */
  void swapOnlyFreed();

  /**
   * uvm_anon_pagein: makes {@code anon} resident; inside swap-off it drops the swap slot, from the
   * fault path it keeps it (the page is clean, as after {@code uvmfault_anonget}).
   *
   * <p>=> anon locked on entry, unlocked on return. <br>
   * => false when it failed for lack of memory; true when done (including an I/O error and an anon
   * freed meanwhile).
   */
  boolean anonPagein(Anon anon);
}
