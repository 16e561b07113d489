package org.uvm4j.uvm.page;

/**
 * The pmap's part of a page ({@code struct vm_page_md}): the list of its mappings (pv entries) and
 * its referenced/modified attributes, shared by every mapping of the page.
 *
 * <p>As in NetBSD, the page layer embeds this record in every {@link VmPage} but its contents
 * belong to the pmap, which sits above the page layer and fills them in: the page layer only asks
 * whether a page is mapped, forgets the attributes of a page going back to the free list, and, when
 * the host rewrites a frame that held executed code, asks each mapping to drop its cached EXEC
 * translation ({@link Pv#executedCleared}). Fields are guarded like the pmap's own data (the one
 * CPU thread).
 *
 * <p>Invariant (checked by the pmap's {@code check} and {@code checkPage}): the pv list holds one
 * entry per page-table entry, in any pmap, that maps the page, and nothing else.
 */
public final class VmPageMd {
  /** The page has been accessed through some mapping since the attribute was last cleared. */
  public static final int REFERENCED = 0x1;

  /** The page has been written through some mapping since the attribute was last cleared. */
  public static final int MODIFIED = 0x2;

  /** Head of the pv list (the pmap's): one entry per mapping of the page. */
  public Pv pvList;

  /** REFERENCED and MODIFIED bits (the pmap's). */
  public int attrs;

  /**
   * One mapping of a page ({@code struct pv_entry}) as the page layer sees it: a link of the page's
   * pv list. The pmap's entry extends it with the pmap and virtual address that map the page.
   */
  public abstract static class Pv {
    /** The next mapping of the same page, or null. */
    public Pv next;

    /**
     * The page's executed mark was cleared (its frame is being rewritten by the host): a cached
     * translation of this mapping that allows EXEC must be invalidated, so that the next fetch
     * refills and marks the page again.
     */
    protected abstract void executedCleared();
  }

  /** True if some pmap maps the page. */
  public boolean isMapped() {
    return pvList != null;
  }

  /** Number of mappings of the page (the length of its pv list). */
  public int mappingCount() {
    int n = 0;
    for (Pv pv = pvList; pv != null; pv = pv.next) {
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

  /** Tells every mapping of the page that its executed mark was cleared. */
  void executedCleared() {
    for (Pv pv = pvList; pv != null; pv = pv.next) {
      pv.executedCleared();
    }
  }
}
