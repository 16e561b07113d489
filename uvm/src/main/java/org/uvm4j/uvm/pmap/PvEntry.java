package org.uvm4j.uvm.pmap;

/**
 * One mapping of a page ({@code struct pv_entry}): the pmap and virtual address that map it. The
 * entries of a page form a singly-linked list headed in its {@link PmapPage}; freed entries go back
 * to their pmap's pool, so entering a mapping does not allocate in the steady state.
 */
final class PvEntry {
  Pmap pmap;
  long va;
  PvEntry next;
}
