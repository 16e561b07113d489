package org.uvm4j.uvm.amap;

import org.uvm4j.uvm.page.VmPage;

/**
 * An anonymous page ({@code struct vm_anon}): resident ({@link #page} set), resident with a swap
 * copy, or swap only ({@link #swslot} set, no page).
 *
 * <p>Invariant: {@link #ref} equals the number of amap slots, over all amaps, that point at this
 * anon; an anon whose count reaches zero is freed.
 */
public final class Anon {
  /** an_ref: number of amap slots pointing here. */
  public int ref;

  /** an_page: resident page, or null. */
  public VmPage page;

  /** an_swslot: swap slot, 0 for none, -1 (SWSLOT_BAD) after an I/O error. */
  public int swslot;
}
