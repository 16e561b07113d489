package org.uvm4j.uvm.amap;

/**
 * An anonymous map ({@code struct vm_amap}): the upper layer of a mapping, one slot per page, each
 * slot optionally pointing at an {@link Anon}.
 */
public final class Amap {
  /** am_ref: number of arefs pointing here. */
  int ref;

  /** am_flags: SHARED, SWAPOFF. */
  int flags;

  /** am_maxslot: allocated length of the slot arrays. */
  int maxslot;

  /** am_nslot: slots in use by the map. */
  int nslot;

  /** am_nused: occupied slots. */
  int nused;

  /** am_slots: dense list of occupied slot numbers. */
  int[] slots;

  /** am_bckptr: for an occupied slot, its position in {@link #slots}. */
  int[] bckptr;

  /** am_anon: slot to anon. */
  Anon[] anon;
}
