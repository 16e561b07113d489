package org.uvm4j.uvm.amap;

import org.uvm4j.uvm.page.VmPage;

/**
 * What the amap/anon layer needs from the rest of one machine's UVM: the page allocator, the pmap's
 * {@code pmap_page_protect}, swap, pagein, {@code uvm_wait}, the allocator of amap structures and
 * the machine's global amap list.
 *
 * <p>Implemented by {@code org.uvm4j.uvm.system.Uvm} (the VM system) and by a test double in the
 * amap tests. Every method is called by the single CPU thread; locks named in the pre-conditions
 * are the ones the seed holds at that call.
 */
public interface UvmServices {
  /**
   * uvm_pagealloc(NULL, 0, anon, 0): a page owned by {@code anon} ({@code anon.page} and {@code
   * pg.anon} set, {@code PQ_ANON}), returned {@code PG_BUSY|PG_FAKE|PG_CLEAN}.
   *
   * <p>=> anon locked. <br>
   * => returns null when no frame is free (never sleeps).
   */
  VmPage pageAlloc(Anon anon);

  /** uvm_pagecopy: copy the contents of {@code src} into {@code dst}; clears PG_CLEAN on dst. */
  void pageCopy(VmPage src, VmPage dst);

  /** uvm_pageactivate: put {@code pg} on the active queue (page-queue lock taken inside). */
  void pageActivate(VmPage pg);

  /**
   * uvm_pagefree: return {@code pg} to the free list; an anon-owned page is detached from its anon
   * ({@code anon.page = null}, {@code pg.anon = null}).
   *
   * <p>=> owner locked; page not busy, every mapping already removed.
   */
  void pageFree(VmPage pg);

  /** pmap_page_protect: lower every mapping of {@code pg} to {@code prot}; NONE removes them. */
  void pageProtect(VmPage pg, int prot);

  /** uvm_swap_free(slot, 1): release one swap slot; {@code slot > 0}. */
  void swapFree(int slot);

  /**
   * uvmexp.swpgonly--: an anon whose only copy was in swap (no resident page) is being freed, so
   * that page no longer lives only in swap. Called by {@link Anon#free} just before its slot is
   * released with {@link #swapFree}.
   */
  void swapOnlyFreed();

  /**
   * uvm_anon_pagein: make {@code anon} resident and, inside swap-off, drop its swap slot (the fault
   * path calls it too; there the slot is kept and the page stays clean).
   *
   * <p>=> anon locked on entry, unlocked on return (whatever the outcome). <br>
   * => returns false when it failed (no memory: swap-off aborts); true when done, which includes an
   * I/O error ({@code SWSLOT_BAD}) and an anon freed meanwhile. (The C function returns the
   * opposite truth value: true on failure.)
   */
  boolean anonPagein(Anon anon);

  /**
   * UVM_UNLOCK_AND_WAIT on a busy page: sleep until {@code pg} is no longer {@code PG_BUSY}. The
   * caller has set {@code PG_WANTED} and released every lock (the owner's lock included) before the
   * call, and restarts what it was doing afterwards.
   *
   * @param wmsg the wait channel message (e.g. "cownow")
   */
  void pageWait(VmPage pg, String wmsg);

  /**
   * uvm_wait: run the page daemon or give up the CPU until memory may be free.
   *
   * @param wmsg what is waiting (the seed's wait channel message, e.g. "cownowpage")
   */
  void waitForMemory(String wmsg);

  /** The allocator of amap structures, slot arrays and anons (tests make it fail). */
  AmapAllocator allocator();

  /** This machine's global amap list ({@code amap_list} and {@code amap_list_lock}). */
  AmapList amapList();
}
