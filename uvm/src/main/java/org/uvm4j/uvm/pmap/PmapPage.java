package org.uvm4j.uvm.pmap;

/**
 * The pmap's part of a page ({@code struct vm_page_md}): the list of its mappings (pv entries) and
 * its referenced/modified attributes, shared by every mapping of the page.
 *
 * <p>Invariant (checked by {@link Pmap#check()} and {@link Pmap#checkPage}): the pv list holds one
 * entry per page-table entry, in any pmap, that maps the page, and nothing else.
 */
public final class PmapPage {
  /** The page has been accessed through some mapping since the attribute was last cleared. */
  public static final int REFERENCED = 0x1;

  /** The page has been written through some mapping since the attribute was last cleared. */
  public static final int MODIFIED = 0x2;

  PvEntry pvList;
  int attrs;

  /** True if some pmap maps the page. */
  public boolean isMapped() {
    return pvList != null;
  }

  /** Number of mappings of the page (the length of its pv list). */
  public int mappingCount() {
    int n = 0;
    for (PvEntry pv = pvList; pv != null; pv = pv.next) {
      n++;
    }
    return n;
  }

  /** REFERENCED and MODIFIED bits. */
  public int attributes() {
    return attrs;
  }

  /** Forgets the attributes of a page going back to the free list (it has no mappings). */
  public void clearAttributes() {
    attrs = 0;
  }
}
