package org.uvm4j.uvm.pmap;

import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.page.VmPageMd;

/**
 * One mapping of a page ({@code struct pv_entry}): the pmap and virtual address that map it. The
 * entries of a page form a singly-linked list headed in its {@link VmPageMd}; freed entries go back
 * to their pmap's pool, so entering a mapping does not allocate in the steady state.
 */
final class PvEntry extends VmPageMd.Pv {
  Pmap pmap;
  long va;

  /** The first mapping of the page whose pv list is {@code md}'s, or null. */
  static PvEntry first(VmPageMd md) {
    return (PvEntry) md.pvList; // only the pmap puts entries on the list
  }

  /** The next mapping of the same page, or null. */
  PvEntry nextEntry() {
    return (PvEntry) next;
  }

  /** Invalidates this mapping's translation if it allows EXEC (see {@link VmPageMd.Pv}). */
  @Override
  protected void executedCleared() {
    if ((pmap.pte(va) & Prot.EXEC) != 0) {
      pmap.noteInvalidation(va);
      pmap.flushInvalidations();
    }
  }
}
